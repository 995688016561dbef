import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createTestApp,
  createUser,
  loggedInUser,
  login,
  strongPassword,
  type TestApp,
} from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('login', () => {
  it('returns a token pair for the right password', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.username, user.password);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBe(900);
    expect(tokens.refresh_token).toMatch(/^srr_/);
    expect(tokens.access_token.split('.')).toHaveLength(3);
    const me = await t.app.inject({
      url: '/v1/me',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      id: user.id,
      username: user.username,
      roles: ['user'],
      authenticated_by: 'session',
    });
  });

  it('answers a wrong password and an unknown user identically', async () => {
    const user = await createUser(t);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: user.username, password: 'not-the-password-at-all' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'nobody-here', password: 'not-the-password-at-all' },
    });
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('INVALID_CREDENTIALS');
    }
    const strip = (r: typeof wrong) => ({ ...r.json().error, request_id: undefined });
    expect(strip(wrong)).toEqual(strip(unknown));
  });

  it('logs in case-insensitively on the username', async () => {
    const user = await createUser(t);
    await expect(login(t, user.username.toUpperCase(), user.password)).resolves.toHaveProperty(
      'access_token',
    );
  });
});

describe('refresh tokens', () => {
  it('rotate on use and revoke the whole session when one is reused', async () => {
    const user = await loggedInUser(t);
    const first = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: user.tokens.refresh_token },
    });
    expect(first.statusCode).toBe(200);
    const next = first.json();
    expect(next.refresh_token).not.toBe(user.tokens.refresh_token);

    const replay = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: user.tokens.refresh_token },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('INVALID_REFRESH_TOKEN');

    // The family is gone: the newest refresh token and every access token of the session stop working.
    const afterReuse = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: next.refresh_token },
    });
    expect(afterReuse.statusCode).toBe(401);
    for (const token of [user.tokens.access_token, next.access_token]) {
      const me = await t.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
      expect(me.statusCode).toBe(401);
    }
    const events = await t.services.stores.securityEvents.list({ type: 'refresh_token_reuse' });
    expect(events.some((e) => e.userId === user.id)).toBe(true);
  });

  it('rejects malformed and unknown refresh tokens the same way', async () => {
    for (const refresh_token of ['garbage', 'srr_' + 'a'.repeat(49)]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/refresh',
        payload: { refresh_token },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('INVALID_REFRESH_TOKEN');
    }
  });
});

describe('logout', () => {
  it('revokes the access token at once, and its refresh token', async () => {
    const user = await loggedInUser(t);
    const out = await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: user.headers });
    expect(out.statusCode).toBe(204);
    const me = await t.app.inject({ url: '/v1/me', headers: user.headers });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('INVALID_TOKEN');
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: user.tokens.refresh_token },
    });
    expect(refresh.statusCode).toBe(401);
  });
});

describe('password change', () => {
  it('needs the current password, applies the policy, and revokes other sessions only', async () => {
    const user = await createUser(t);
    const a = await login(t, user.username, user.password);
    const b = await login(t, user.username, user.password);
    const headers = { authorization: `Bearer ${a.access_token}` };

    const wrong = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers,
      payload: { current_password: 'wrong-password-here', new_password: strongPassword() },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toMatchObject({ code: 'INVALID_CREDENTIALS', field: 'body.current_password' });

    const weak = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers,
      payload: { current_password: user.password, new_password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toMatchObject({ code: 'PASSWORD_TOO_SHORT', field: 'body.new_password' });

    const newPassword = strongPassword();
    const ok = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers,
      payload: { current_password: user.password, new_password: newPassword },
    });
    expect(ok.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/v1/me', headers })).statusCode).toBe(200);
    const other = await t.app.inject({
      url: '/v1/me',
      headers: { authorization: `Bearer ${b.access_token}` },
    });
    expect(other.statusCode).toBe(401);
    await expect(login(t, user.username, user.password)).rejects.toThrow();
    await expect(login(t, user.username, newPassword)).resolves.toHaveProperty('access_token');
  });

  it('deletes the initial admin password file when admin changes the password', async () => {
    const { ensureInitialAdmin } = await import('../../src/setup/initial-admin.js');
    const file = await ensureInitialAdmin({
      users: { count: async () => 0, insert: t.services.stores.users.insert },
      hasher: t.services.hasher,
      dataDir: t.dataDir,
      clock: Date.now,
    });
    expect(file).toBe(path.join(t.dataDir, 'initial-admin-password'));
    expect(fs.statSync(file as string).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(file as string, 'utf8').trim();
    const tokens = await login(t, 'admin', password);
    const response = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: { authorization: `Bearer ${tokens.access_token}` },
      payload: { current_password: password, new_password: strongPassword() },
    });
    expect(response.statusCode).toBe(204);
    expect(fs.existsSync(file as string)).toBe(false);
  });
});

describe('security events', () => {
  it('keep only real IP addresses, even from a spoofed X-Forwarded-For behind a trusted proxy', async () => {
    const proxied = await createTestApp({ flags: { trustProxy: 'true' } });
    try {
      const user = await createUser(proxied);
      for (const forwarded of ['x'.repeat(70), '203.0.113.5']) {
        const response = await proxied.app.inject({
          method: 'POST',
          url: '/v1/auth/login',
          headers: { 'x-forwarded-for': forwarded, 'x-forwarded-proto': 'https' },
          payload: { username: user.username, password: 'wrong-password-here' },
        });
        expect(response.statusCode).toBe(401);
      }
      const events = await proxied.services.stores.securityEvents.list({ type: 'login_failed' });
      expect(events.map((e) => e.clientAddress)).toEqual(['invalid', '203.0.113.5']);
    } finally {
      await proxied.close();
    }
  });
});

describe('upgrading an old hash at login', () => {
  it('is best effort: a busy server still lets the right password in and upgrades it next time', async () => {
    const { default: bcrypt } = await import('bcrypt');
    const { AppError } = await import('../../src/errors.js');
    const password = strongPassword();
    const created = await t.services.users.create({
      username: `old${Date.now()}`,
      passwordHash: await bcrypt.hash(password, 4),
      roles: ['user'],
    });
    const spy = vi.spyOn(t.services.hasher, 'hash').mockRejectedValueOnce(new AppError('SERVICE_BUSY'));
    await expect(login(t, created.username, password)).resolves.toHaveProperty('access_token');
    spy.mockRestore();
    expect((await t.services.stores.users.findById(created.id))?.passwordHash).toMatch(/^\$2b\$/);
    await login(t, created.username, password);
    expect((await t.services.stores.users.findById(created.id))?.passwordHash).toMatch(/^\$argon2id\$/);
  });
});
