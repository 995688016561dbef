/**
 * Guarantee: non-JSON bodies get 415, oversized bodies 413, unknown fields and wrong types 400 naming the offending
 * field's path (never echoing its value); nothing is half-written on any error; a 5xx says "internal error" and the
 * request id only. Every error response carries the security headers.
 */
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HSTS } from '../../src/http/plugins/security-headers.js';
import {
  createTestApp,
  createUser,
  loggedInUser,
  login,
  strongPassword,
  type TestApp,
} from '../helpers/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof loggedInUser>>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loggedInUser(t, ['admin']);
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function canary(label: string): string {
  return `CANARY-${label}-${randomBytes(6).toString('hex')}`;
}

/** Asserts the one public error shape, the exact code (and field), and the headers every response carries. */
function expectError(response: LightMyRequestResponse, status: number, code: string, field?: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json() as {
    error: { code: string; field?: string; request_id: string; message: string };
  };
  expect(body.error.code).toBe(code);
  if (field === undefined) expect(body.error).not.toHaveProperty('field');
  else expect(body.error.field).toBe(field);
  expect(body.error.request_id).toBe(response.headers['x-request-id']);
  expect(response.headers['strict-transport-security']).toBe(HSTS);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return body.error;
}

/** Asserts a secret went nowhere: not in the response, not in any log line. */
function expectNotEchoed(response: LightMyRequestResponse, secret: string) {
  expect(response.body).not.toContain(secret);
  expect(JSON.stringify(response.headers)).not.toContain(secret);
  expect(t.logs.join('\n')).not.toContain(secret);
}

function adminCall(options: InjectOptions) {
  return t.app.inject({ ...options, headers: { ...admin.headers, ...options.headers } });
}

const userCount = () => t.services.stores.users.count();

describe('media types and sizes', () => {
  it('refuses text/plain and form bodies with 415, before any handler runs', async () => {
    const password = canary('form');
    for (const [contentType, payload] of [
      ['text/plain', JSON.stringify({ username: 'someone', password })],
      ['application/x-www-form-urlencoded', `username=someone&password=${password}`],
      [
        'multipart/form-data; boundary=x',
        `--x\r\nContent-Disposition: form-data; name="password"\r\n\r\n${password}\r\n--x--`,
      ],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': contentType },
        payload,
      });
      expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectNotEchoed(response, password);
    }

    const before = await userCount();
    const username = `t${randomBytes(5).toString('hex')}`;
    const created = await adminCall({
      method: 'POST',
      url: '/v1/users',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ username, password: strongPassword() }),
    });
    expectError(created, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await userCount()).toBe(before);
  });

  it('accepts application/json with a charset', async () => {
    const user = await createUser(t);
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: JSON.stringify({ username: user.username, password: user.password }),
    });
    expect(response.statusCode).toBe(200);
  });

  it('refuses a body over the default 64 KiB limit with 413 and writes nothing', async () => {
    const secret = canary('big');
    const big = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'someone', password: `${secret}${'x'.repeat(64 * 1024)}` },
    });
    expectError(big, 413, 'PAYLOAD_TOO_LARGE');
    expectNotEchoed(big, secret);

    const before = await userCount();
    const username = `t${randomBytes(5).toString('hex')}`;
    const created = await adminCall({
      method: 'POST',
      url: '/v1/users',
      payload: { username, password: `${strongPassword()}${'y'.repeat(65 * 1024)}` },
    });
    expectError(created, 413, 'PAYLOAD_TOO_LARGE');
    expect(await userCount()).toBe(before);
    expect(await t.services.stores.users.existsByUsername(username)).toBe(false);
  });

  it('honours a configured body limit', async () => {
    const small = await createTestApp({ flags: { bodyLimit: '2048' } });
    try {
      const over = await small.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'someone', password: 'p'.repeat(2100) },
      });
      expectError(over, 413, 'PAYLOAD_TOO_LARGE');
      // Under the limit the body is parsed and validated as usual.
      const under = await small.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'someone', password: 'p'.repeat(1500) },
      });
      expectError(under, 400, 'VALIDATION_FAILED', 'body.password');
    } finally {
      await small.close();
    }
  });
});

describe('malformed and invalid bodies', () => {
  it('answers broken JSON with INVALID_JSON and never quotes it', async () => {
    for (const payload of ['{"password": "CANARY-xyz', '{"username": "a", "password": CANARY-xyz}', '']) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expectError(response, 400, 'INVALID_JSON');
      expectNotEchoed(response, 'CANARY-xyz');
    }
  });

  it('refuses prototype-poisoning JSON outright', async () => {
    const before = await userCount();
    for (const poison of [
      '"__proto__": {"roles": ["admin"]}',
      '"constructor": {"prototype": {"roles": ["admin"]}}',
    ]) {
      const username = `t${randomBytes(5).toString('hex')}`;
      const response = await adminCall({
        method: 'POST',
        url: '/v1/users',
        headers: { 'content-type': 'application/json' },
        payload: `{"username": "${username}", "password": "${strongPassword()}", ${poison}}`,
      });
      expectError(response, 400, 'INVALID_JSON');
    }
    expect(await userCount()).toBe(before);
  });

  it('names an unknown field without echoing its value', async () => {
    const secret = canary('extra');
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'someone', password: 'whatever-it-is', extra: secret },
    });
    expectError(response, 400, 'VALIDATION_FAILED', 'body.extra');
    expectNotEchoed(response, secret);
  });

  it('names a field of the wrong type without echoing its value', async () => {
    const distinctive = 987_654_321_012;
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: distinctive, password: 'whatever-it-is' },
    });
    expectError(response, 400, 'VALIDATION_FAILED', 'body.username');
    expectNotEchoed(response, String(distinctive));

    const secret = canary('type');
    const nested = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'someone', password: [secret] },
    });
    expectError(nested, 400, 'VALIDATION_FAILED', 'body.password');
    expectNotEchoed(nested, secret);
  });

  it('names a missing field', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'someone' },
    });
    expectError(response, 400, 'VALIDATION_FAILED', 'body.password');
  });

  it('refuses an invalid role with its path and creates no user', async () => {
    const before = await userCount();
    const username = `t${randomBytes(5).toString('hex')}`;
    const role = canary('role');
    const response = await adminCall({
      method: 'POST',
      url: '/v1/users',
      payload: { username, password: strongPassword(), roles: [role] },
    });
    expectError(response, 400, 'VALIDATION_FAILED', 'body.roles.0');
    expectNotEchoed(response, role);
    const second = await adminCall({
      method: 'POST',
      url: '/v1/users',
      payload: { username, password: strongPassword(), roles: ['user', role] },
    });
    expectError(second, 400, 'VALIDATION_FAILED', 'body.roles.1');
    expect(await userCount()).toBe(before);
    expect(await t.services.stores.users.existsByUsername(username)).toBe(false);
  });

  it('refuses a username that breaks the pattern without echoing it', async () => {
    const name = `${canary('name')} <script>`;
    const response = await adminCall({
      method: 'POST',
      url: '/v1/users',
      payload: { username: name, password: strongPassword() },
    });
    expectError(response, 400, 'VALIDATION_FAILED', 'body.username');
    expectNotEchoed(response, name.split(' ')[0] ?? name);
  });
});

describe('user creation refusals write nothing', () => {
  it('refuses weak passwords with the policy code', async () => {
    const before = await userCount();
    for (const [password, code] of [
      ['Qx7#kP', 'PASSWORD_TOO_SHORT'],
      ['password123456', 'PASSWORD_TOO_COMMON'],
    ] as const) {
      const username = `t${randomBytes(5).toString('hex')}`;
      const response = await adminCall({ method: 'POST', url: '/v1/users', payload: { username, password } });
      expectError(response, 400, code, 'body.password');
      expect(response.body).not.toContain(password);
      expect(await t.services.stores.users.existsByUsername(username)).toBe(false);
    }
    expect(await userCount()).toBe(before);
  });

  it('refuses a username taken in any letter case', async () => {
    const existing = await createUser(t);
    const before = await userCount();
    for (const username of [existing.username, existing.username.toUpperCase()]) {
      const response = await adminCall({
        method: 'POST',
        url: '/v1/users',
        payload: { username, password: strongPassword() },
      });
      expectError(response, 409, 'USERNAME_TAKEN', 'body.username');
    }
    expect(await userCount()).toBe(before);
    // The original account is untouched.
    await expect(login(t, existing.username, existing.password)).resolves.toHaveProperty('access_token');
  });

  it('refuses a password_hash that is not a supported argon2id or bcrypt hash', async () => {
    const before = await userCount();
    const hashes = [
      `$2b$04$${canary('hash')}`,
      '$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI',
      `$2b$31$${'a'.repeat(53)}`,
      'plaintext-password-not-a-hash',
    ];
    for (const hash of hashes) {
      const username = `t${randomBytes(5).toString('hex')}`;
      const response = await adminCall({
        method: 'POST',
        url: '/v1/users',
        payload: { username, password_hash: hash },
      });
      expectError(response, 400, 'INVALID_PASSWORD_HASH', 'body.password_hash');
      expectNotEchoed(response, hash);
    }
    expect(await userCount()).toBe(before);
  });

  it('refuses both password and password_hash, and neither', async () => {
    const before = await userCount();
    const username = `t${randomBytes(5).toString('hex')}`;
    const both = await adminCall({
      method: 'POST',
      url: '/v1/users',
      payload: { username, password: strongPassword(), password_hash: bcrypt.hashSync(strongPassword(), 4) },
    });
    expectError(both, 400, 'VALIDATION_FAILED', 'body');
    // With neither, the schema names the first alternative as the missing field.
    const neither = await adminCall({ method: 'POST', url: '/v1/users', payload: { username } });
    expectError(neither, 400, 'VALIDATION_FAILED', 'body.password');
    expect(await userCount()).toBe(before);
  });

  it('imports a bcrypt hash, logs in with its password, and upgrades it to argon2id', async () => {
    const password = strongPassword();
    const username = `t${randomBytes(5).toString('hex')}`;
    const hash = bcrypt.hashSync(password, 4);
    const created = await adminCall({
      method: 'POST',
      url: '/v1/users',
      payload: { username, password_hash: hash },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body).not.toContain(hash);
    const id = (created.json() as { id: string }).id;
    expect((await t.services.stores.users.findById(id))?.passwordHash).toBe(hash);

    await expect(login(t, username, password)).resolves.toHaveProperty('access_token');
    const upgraded = (await t.services.stores.users.findById(id))?.passwordHash ?? '';
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$/);
    await expect(login(t, username, password)).resolves.toHaveProperty('access_token');
  });
});

describe('paths, queries and routes', () => {
  it('refuses an empty PATCH and leaves the user as it was', async () => {
    const target = await createUser(t);
    const before = await t.services.stores.users.findById(target.id);
    const response = await adminCall({ method: 'PATCH', url: `/v1/users/${target.id}`, payload: {} });
    expectError(response, 400, 'VALIDATION_FAILED', 'body');
    expect(await t.services.stores.users.findById(target.id)).toEqual(before);
  });

  it('names a malformed path parameter', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await adminCall({
        method,
        url: '/v1/users/not-a-uuid',
        ...(method === 'PATCH' ? { payload: { disabled: true } } : {}),
      });
      expectError(response, 400, 'VALIDATION_FAILED', 'path.id');
    }
    const key = await adminCall({ method: 'DELETE', url: '/v1/api-keys/1234' });
    expectError(key, 400, 'VALIDATION_FAILED', 'path.id');
  });

  it('answers unknown routes and methods with NOT_FOUND', async () => {
    expectError(await t.app.inject({ url: '/v1/nothing-here' }), 404, 'NOT_FOUND');
    expectError(await t.app.inject({ method: 'PUT', url: '/v1/users' }), 404, 'NOT_FOUND');
    expectError(await adminCall({ method: 'POST', url: '/v1/users/extra/segments' }), 404, 'NOT_FOUND');
  });

  it('names bad query parameters', async () => {
    for (const limit of ['abc', '0', '101', '-1', '1.5']) {
      const response = await adminCall({ url: `/v1/users?limit=${limit}` });
      expectError(response, 400, 'VALIDATION_FAILED', 'query.limit');
    }
    expectError(await adminCall({ url: '/v1/users?sort=name' }), 400, 'VALIDATION_FAILED', 'query.sort');
    const cursors = ['!!!not-base64!!!', Buffer.from('{"a":1}').toString('base64url'), 'eyJ'];
    for (const cursor of cursors) {
      const response = await adminCall({ url: `/v1/users?cursor=${encodeURIComponent(cursor)}` });
      expectError(response, 400, 'VALIDATION_FAILED', 'query.cursor');
      expect(response.body).not.toContain(cursor);
    }
    expect((await adminCall({ url: '/v1/users?limit=2' })).statusCode).toBe(200);
  });
});

describe('internal errors', () => {
  it('say "internal error" and the request id only, and log the request id', async () => {
    const user = await loggedInUser(t, ['admin']);
    const spy = vi
      .spyOn(t.services.users, 'get')
      .mockRejectedValueOnce(new Error('boom SECRET-CANARY at /srv/x.ts:1'));
    const response = await t.app.inject({ url: `/v1/users/${user.id}`, headers: user.headers });
    expect(spy).toHaveBeenCalledOnce();
    expect(response.statusCode).toBe(500);
    const requestId = response.headers['x-request-id'];
    expect(typeof requestId).toBe('string');
    expect(response.json()).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'internal error', request_id: requestId },
    });
    expect(response.body).not.toContain('SECRET-CANARY');
    expect(response.headers['strict-transport-security']).toBe(HSTS);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');

    const lines = t.logs.map((line) => JSON.parse(line) as { reqId?: string; level?: number });
    expect(lines.some((line) => line.reqId === requestId && (line.level ?? 0) >= 50)).toBe(true);

    // The next request is served normally.
    expect((await t.app.inject({ url: `/v1/users/${user.id}`, headers: user.headers })).statusCode).toBe(200);
  });

  it('hide errors that carry their own status and message too', async () => {
    const user = await loggedInUser(t, ['admin']);
    const rude = Object.assign(new Error('db password is SECRET-CANARY'), {
      statusCode: 502,
      code: 'E_SOMETHING_ELSE',
    });
    for (const failure of [rude, 'a thrown string SECRET-CANARY']) {
      vi.spyOn(t.services.users, 'get').mockRejectedValueOnce(failure);
      const response = await t.app.inject({ url: `/v1/users/${user.id}`, headers: user.headers });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({
        error: {
          code: 'INTERNAL_ERROR',
          message: 'internal error',
          request_id: response.headers['x-request-id'],
        },
      });
    }
  });

  it('answer a lost dependency connection 503 DEPENDENCY_UNAVAILABLE, still saying nothing of its cause', async () => {
    const user = await loggedInUser(t, ['admin']);
    const lost = Object.assign(new Error('connect to db.internal:5432 as strongroom SECRET-CANARY'), {
      code: 'ECONNRESET',
    });
    vi.spyOn(t.services.users, 'get').mockRejectedValueOnce(lost);
    const response = await t.app.inject({ url: `/v1/users/${user.id}`, headers: user.headers });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(response.body).not.toContain('SECRET-CANARY');
    expect(response.body).not.toContain('db.internal');
  });

  it('roll back a half-done change: a user is not left disabled with live sessions', async () => {
    const victim = await loggedInUser(t);
    const db = t.services.database.db;
    const trigger = `fail_revoke_${randomBytes(4).toString('hex')}`;
    // Fail the second write of the disable (revoking sessions), after the first (the user row) has been made.
    await sql
      .raw(
        `CREATE TRIGGER ${trigger} BEFORE UPDATE OF revoked_at ON sessions WHEN NEW.user_id = '${victim.id}' ` +
          `BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
      )
      .execute(db);
    try {
      const response = await adminCall({
        method: 'PATCH',
        url: `/v1/users/${victim.id}`,
        payload: { disabled: true },
      });
      expectError(response, 500, 'INTERNAL_ERROR');
    } finally {
      await sql.raw(`DROP TRIGGER ${trigger}`).execute(db);
    }
    expect(await t.services.stores.users.findById(victim.id)).toMatchObject({ disabled: false });
    expect((await t.app.inject({ url: '/v1/me', headers: victim.headers })).statusCode).toBe(200);

    const retried = await adminCall({
      method: 'PATCH',
      url: `/v1/users/${victim.id}`,
      payload: { disabled: true },
    });
    expect(retried.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/v1/me', headers: victim.headers })).statusCode).toBe(401);
  });
});
