/**
 * Revocation holds against races and leftovers: a login racing a password change, a rehash racing a password
 * change, API keys minted in a compromised session, and refresh tokens seen in clear text.
 */
import bcrypt from 'bcrypt';
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

const me = (headers: Record<string, string>) => t.app.inject({ url: '/v1/me', headers });

/** Mints an API key over HTTP with the given session headers; returns the key. */
async function mintKey(headers: Record<string, string>): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers,
    payload: { name: 'k' },
  });
  expect(response.statusCode).toBe(201);
  return response.json().key as string;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function changePassword(headers: Record<string, string>, current: string, next: string) {
  const response = await t.app.inject({
    method: 'PUT',
    url: '/v1/me/password',
    headers,
    payload: { current_password: current, new_password: next },
  });
  expect(response.statusCode).toBe(204);
}

describe('a password change', () => {
  it('kills a session started from a check of the old password that finished just before the change', async () => {
    const owner = await loggedInUser(t);
    // The attacker's login has checked the old password...
    const checked = await t.services.login.checkPassword(owner.username, owner.password, '203.0.113.9');
    // ...the owner changes the password...
    await changePassword(owner.headers, owner.password, strongPassword());
    // ...and only then does the attacker's session get created.
    const { sessionId, refreshToken } = await t.services.sessions.start(
      checked.id,
      checked.credentialVersion,
    );
    const token = await t.services.accessTokens.issue({
      userId: checked.id,
      sessionId,
      roles: checked.roles,
    });
    expect((await me(bearer(token))).statusCode).toBe(401);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    // The owner's own session survives the change.
    expect((await me(owner.headers)).statusCode).toBe(200);
  });

  it('of two racing changes, lets only the first win', async () => {
    const victim = await loggedInUser(t);
    const attacker = await login(t, victim.username, victim.password);
    // The attacker's change has checked the old password...
    const checked = await t.services.login.checkPassword(victim.username, victim.password, '203.0.113.10');
    // ...the victim's change commits first...
    const victimPassword = strongPassword();
    await changePassword(victim.headers, victim.password, victimPassword);
    // ...and the attacker's, based on the stale check, is refused.
    const attackerPassword = strongPassword();
    const sid = JSON.parse(
      Buffer.from(attacker.access_token.split('.')[1] ?? '', 'base64url').toString(),
    ).sid;
    await expect(t.services.users.setPassword(checked, attackerPassword, sid)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    await expect(login(t, victim.username, victimPassword)).resolves.toHaveProperty('access_token');
    await expect(login(t, victim.username, attackerPassword)).rejects.toThrow('401');
  });

  it('is not undone by the rehash of a login that checked the old password', async () => {
    const oldPassword = strongPassword();
    const created = await t.services.users.create({
      username: `legacy${Date.now()}`,
      passwordHash: await bcrypt.hash(oldPassword, 4),
      roles: ['user'],
    });
    const newPassword = strongPassword();
    const user = await t.services.stores.users.findById(created.id);
    // While the login computes the argon2id rehash of the old password, the password is changed.
    const realHash = t.services.hasher.hash.bind(t.services.hasher);
    const spy = vi.spyOn(t.services.hasher, 'hash').mockImplementationOnce(async (password) => {
      if (user !== null) await t.services.users.setPassword(user, newPassword);
      return realHash(password);
    });
    await login(t, created.username, oldPassword);
    spy.mockRestore();
    await expect(login(t, created.username, oldPassword)).rejects.toThrow('401');
    await expect(login(t, created.username, newPassword)).resolves.toHaveProperty('access_token');
  });

  it('revokes the API keys minted in the other sessions, not in the one that changed it', async () => {
    const user = await createUser(t);
    const mine = await login(t, user.username, user.password);
    const stolen = await login(t, user.username, user.password);
    const myKey = await mintKey(bearer(mine.access_token));
    const attackerKey = await mintKey(bearer(stolen.access_token));
    await changePassword(bearer(mine.access_token), user.password, strongPassword());
    expect((await me({ 'x-api-key': attackerKey })).statusCode).toBe(401);
    expect((await me({ 'x-api-key': myKey })).statusCode).toBe(200);
  });
});

describe('API keys', () => {
  it('expire after 90 days by default', async () => {
    const user = await loggedInUser(t);
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'default expiry' },
    });
    const body = response.json();
    const days = (Date.parse(body.expires_at) - Date.parse(body.created_at)) / 86_400_000;
    expect(days).toBe(90);
  });

  it('die with the session they were minted in when its refresh token is reused', async () => {
    const user = await loggedInUser(t);
    const key = await mintKey(user.headers);
    const refresh = (refresh_token: string) =>
      t.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token } });
    expect((await refresh(user.tokens.refresh_token)).statusCode).toBe(200);
    expect((await refresh(user.tokens.refresh_token)).statusCode).toBe(401);
    expect((await me({ 'x-api-key': key })).statusCode).toBe(401);
  });

  it('survive an ordinary logout', async () => {
    const user = await loggedInUser(t);
    const key = await mintKey(user.headers);
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: user.headers })).statusCode,
    ).toBe(204);
    expect((await me({ 'x-api-key': key })).statusCode).toBe(200);
  });
});

describe('a refresh token seen in clear text', () => {
  it('is revoked with its session', async () => {
    const user = await loggedInUser(t);
    expect(await t.services.revoker.revoke([user.tokens.refresh_token], '198.51.100.7')).toBe(1);
    expect((await me(user.headers)).statusCode).toBe(401);
    const events = await t.services.stores.securityEvents.list({ type: 'credential_exposed_over_http' });
    expect(events.some((e) => e.userId === user.id && e.detail.credential === 'refresh_token')).toBe(true);
  });
});
