/**
 * Guarantee: `POST /v1/auth/introspect` (RFC 7662) answers an active access token with its user, session, issue
 * and expiry times, issuer and audience, and the user's roles as they are now; every inactive token (unknown,
 * expired, badly signed, of another issuer or audience, logged out, revoked, of a disabled or deleted user, of a
 * session older than a password change, an API key or refresh token) with exactly `{"active": false}`. Only callers
 * the policy grants `introspect` may ask (an `introspector` service account's API key, an admin); others get 403.
 * The token is never logged or audited; the call is audited as `auth.introspect`. Access tokens carry the roles at
 * issue in a `roles` claim that the server itself never authorizes with.
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  createUser,
  loggedInUser,
  login,
  strongPassword,
  type TestApp,
} from '../helpers/test-app.js';

type Response = Awaited<ReturnType<TestApp['app']['inject']>>;
type Headers = Record<string, string>;

let t: TestApp;
let admin: Awaited<ReturnType<typeof loggedInUser>>;
/** The API key of an application's service account, holding only the `introspector` role. */
let serviceKey: Headers;

const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });
const nowSeconds = () => Math.floor(Date.now() / 1000);

function introspect(token: string, headers: Headers = serviceKey, extra: object = {}): Promise<Response> {
  return t.app.inject({ method: 'POST', url: '/v1/auth/introspect', headers, payload: { token, ...extra } });
}

/** The answer for `token`, asserting the 200 RFC 7662 requires for active and inactive tokens alike. */
async function answerFor(token: string): Promise<Record<string, unknown>> {
  const response = await introspect(token);
  expect(response.statusCode).toBe(200);
  return response.json();
}

/** A token over `base`'s claims signed with the server's own key (so only the edit can make it inactive). */
function forge(base: string, edit: JWTPayload): Promise<string> {
  const { kid, privateKey } = t.services.keyring.current();
  return new SignJWT({ ...decodeJwt(base), ...edit })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
    .sign(privateKey);
}

async function patchUser(id: string, body: object): Promise<void> {
  const response = await t.app.inject({
    method: 'PATCH',
    url: `/v1/users/${id}`,
    headers: admin.headers,
    payload: body,
  });
  expect(response.statusCode).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await loggedInUser(t, ['admin']);
  const service = await loggedInUser(t, ['introspector']);
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: service.headers,
    payload: { name: 'customer-api' },
  });
  expect(created.statusCode).toBe(201);
  serviceKey = { 'x-api-key': created.json().key };
});
afterAll(async () => {
  await t.close();
});

describe('an active token', () => {
  it("is answered with its claims and the user's current roles, which a role change updates at once", async () => {
    const user = await loggedInUser(t, ['user']);
    const token = user.tokens.access_token;
    const claims = decodeJwt(token);
    const expected = {
      active: true,
      sub: user.id,
      sid: claims.sid,
      iat: claims.iat,
      exp: claims.exp,
      iss: 'strongroom',
      aud: 'strongroom-api',
      token_type: 'Bearer',
    };
    expect(await answerFor(token)).toEqual({ ...expected, roles: ['user'] });

    await patchUser(user.id, { roles: ['user', 'introspector'] });
    expect(await answerFor(token)).toEqual({ ...expected, roles: ['user', 'introspector'] });
    // The token itself still names the roles it was issued with.
    expect(decodeJwt(token).roles).toEqual(['user']);
  });

  it('is answered alike with a token_type_hint, and to an admin session', async () => {
    const user = await loggedInUser(t);
    const hinted = await introspect(user.tokens.access_token, serviceKey, {
      token_type_hint: 'access_token',
    });
    expect(hinted.json()).toMatchObject({ active: true, sub: user.id });
    const byAdmin = await introspect(user.tokens.access_token, admin.headers);
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json()).toMatchObject({ active: true, sub: user.id, roles: ['user'] });
  });
});

describe('an inactive token is exactly {"active": false}', () => {
  const INACTIVE = { active: false };

  it('for text that is no token of ours: garbage, an API key, a refresh token', async () => {
    const user = await loggedInUser(t);
    for (const token of ['not-a-token', 'a.b.c', serviceKey['x-api-key'] ?? '', user.tokens.refresh_token])
      expect(await answerFor(token)).toEqual(INACTIVE);
  });

  it('for an expired token, a wrong issuer or audience, a bad signature, with the session still live', async () => {
    const user = await loggedInUser(t);
    const token = user.tokens.access_token;
    const attacker = generateKeyPairSync('ed25519');
    const { kid } = t.services.keyring.current();
    const [header, payload, signature = ''] = token.split('.');
    const flipped = Buffer.from(signature, 'base64url');
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    const defective = [
      await forge(token, { iat: nowSeconds() - 600, exp: nowSeconds() - 1 }),
      await forge(token, { iss: 'someone-else' }),
      await forge(token, { aud: 'another-api' }),
      `${header}.${payload}.${flipped.toString('base64url')}`,
      await new SignJWT(decodeJwt(token))
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
        .sign(attacker.privateKey),
    ];
    // Sanity: the forging itself works, so each token differs from a live one by its defect alone.
    expect(await answerFor(await forge(token, {}))).toMatchObject({ active: true });
    for (const bad of defective) expect(await answerFor(bad)).toEqual(INACTIVE);
    expect(await answerFor(token)).toMatchObject({ active: true });
  });

  it('after logout, session revocation, disabling or deleting the user', async () => {
    const cases: Array<[string, (user: Awaited<ReturnType<typeof loggedInUser>>) => Promise<void>]> = [
      [
        'logout',
        async (user) => {
          const out = await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: user.headers });
          expect(out.statusCode).toBe(204);
        },
      ],
      [
        'revoked session',
        async (user) => {
          await t.services.sessions.revoke(String(decodeJwt(user.tokens.access_token).sid), 'test');
        },
      ],
      ['disabled user', async (user) => patchUser(user.id, { disabled: true })],
      [
        // The flag alone, its sessions left unrevoked (as by a change straight in the database, which must then be
        // published like every change of a user, services/revocations.ts).
        'disabled flag',
        async (user) => {
          await t.services.stores.users.update(user.id, { disabled: true }, Date.now());
          await t.services.revocations.publish({ userIds: [user.id] });
        },
      ],
      [
        'deleted user',
        async (user) => {
          const gone = await t.app.inject({
            method: 'DELETE',
            url: `/v1/users/${user.id}`,
            headers: admin.headers,
          });
          expect(gone.statusCode).toBe(204);
        },
      ],
    ];
    for (const [reason, end] of cases) {
      const user = await loggedInUser(t);
      expect(await answerFor(user.tokens.access_token), reason).toMatchObject({ active: true });
      await end(user);
      expect(await answerFor(user.tokens.access_token), reason).toEqual(INACTIVE);
    }
  });

  it('after a password change: the other sessions, and one started from a check of the old password', async () => {
    const user = await createUser(t);
    const first = await login(t, user.username, user.password);
    const second = await login(t, user.username, user.password);
    const checked = await t.services.login.checkPassword(user.username, user.password, '203.0.113.9');
    expect(await answerFor(second.access_token)).toMatchObject({ active: true });
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: bearer(first.access_token),
      payload: { current_password: user.password, new_password: strongPassword() },
    });
    expect(changed.statusCode).toBe(204);
    expect(await answerFor(second.access_token)).toEqual(INACTIVE);
    // Not revoked, but started under the old credential version: dead all the same.
    const { sessionId } = await t.services.sessions.start(user.id, checked.credentialVersion);
    const stale = await t.services.accessTokens.issue({ userId: user.id, sessionId, roles: user.roles });
    expect(await answerFor(stale)).toEqual(INACTIVE);
    expect(await answerFor(first.access_token)).toMatchObject({ active: true });
  });
});

describe('who may introspect', () => {
  it('refuses callers the policy does not grant introspect (403), and anonymous ones (401)', async () => {
    const user = await loggedInUser(t);
    const key = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'k' },
    });
    for (const headers of [user.headers, { 'x-api-key': key.json().key as string }]) {
      const refused = await introspect(user.tokens.access_token, headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('FORBIDDEN');
    }
    const anonymous = await introspect(user.tokens.access_token, {});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('AUTHENTICATION_REQUIRED');
  });

  it('counts calls in the introspect quota group', async () => {
    const user = await loggedInUser(t);
    const response = await introspect(user.tokens.access_token);
    expect(response.headers['ratelimit-limit']).toBe('6000');
  });

  it('refuses the token in the URL, and a body without one', async () => {
    const user = await loggedInUser(t);
    const inUrl = await t.app.inject({
      method: 'POST',
      url: `/v1/auth/introspect?token=${user.tokens.access_token}`,
      headers: serviceKey,
      payload: { token: 'x' },
    });
    expect(inUrl.statusCode).toBe(400);
    expect(inUrl.json().error.code).toBe('SENSITIVE_DATA_IN_URL');
    const empty = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/introspect',
      headers: serviceKey,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.token' });
  });
});

describe('the token stays out of logs and the audit trail', () => {
  it('is in no log line and no audit event, while each call is audited as auth.introspect', async () => {
    const user = await loggedInUser(t);
    const canary = `CanaryIntrospected-${Date.now().toString(36)}`;
    const outsider = await loggedInUser(t);
    await introspect(user.tokens.access_token);
    await introspect(canary);
    await introspect(user.tokens.access_token, outsider.headers);

    const logs = t.logs.join('\n');
    const trail = JSON.stringify(
      await t.services.database.db.selectFrom('audit_events').selectAll().execute(),
    );
    for (const secret of [user.tokens.access_token, canary]) {
      expect(logs).not.toContain(secret);
      expect(trail).not.toContain(secret);
    }
    // The payload and signature parts alone would identify the token too.
    for (const part of user.tokens.access_token.split('.').slice(1)) expect(trail + logs).not.toContain(part);

    const events = (await t.services.audit.query({ action: 'auth.introspect' }, 100)).events;
    const serviceActor = events.find((e) => e.outcome === 'allowed')?.actor;
    expect(serviceActor).toMatch(/^user:/);
    expect(
      events.filter((e) => e.actor === serviceActor && e.outcome === 'allowed').length,
    ).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.actor === `user:${outsider.id}`).map((e) => e.outcome)).toEqual(['denied']);
  });
});

describe('the roles claim', () => {
  it('is in every newly issued access token, with the roles at issue', async () => {
    const user = await loggedInUser(t, ['user']);
    expect(decodeJwt(user.tokens.access_token).roles).toEqual(['user']);
    await patchUser(user.id, { roles: ['user', 'introspector'] });
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: user.tokens.refresh_token },
    });
    expect(decodeJwt(refreshed.json().access_token).roles).toEqual(['user', 'introspector']);
  });

  it('is not what the server authorizes with: a demoted admin is refused with a token that still says admin', async () => {
    const demoted = await loggedInUser(t, ['admin']);
    const listUsers = () => t.app.inject({ url: '/v1/users', headers: demoted.headers });
    expect((await listUsers()).statusCode).toBe(200);
    await patchUser(demoted.id, { roles: ['user'] });
    expect(decodeJwt(demoted.tokens.access_token).roles).toEqual(['admin']);
    const refused = await listUsers();
    expect(refused.statusCode).toBe(403);
    expect(await answerFor(demoted.tokens.access_token)).toMatchObject({ active: true, roles: ['user'] });
    // Nor is a forged claim: a token naming admin for a plain user (signed with the real key) gets no further.
    const plain = await loggedInUser(t, ['user']);
    const forged = await forge(plain.tokens.access_token, { roles: ['admin'] });
    expect((await t.app.inject({ url: '/v1/users', headers: bearer(forged) })).statusCode).toBe(403);
  });
});
