/**
 * Guarantee: access tokens are short-lived (15 min default) Ed25519 JWTs with kid, iss, aud, sub, sid, exp and the
 * roles at issue, verified with the algorithm pinned and exp required; alg none, embedded jwk/jku, a changed
 * algorithm, a tampered payload, an unknown kid, wrong iss/aud and expired tokens are refused with 401. Credentials come from the Authorization header
 * only (API keys also from X-API-Key), never from the query or a cookie. Signing keys rotate and the JWKS keeps the
 * previous key until its tokens expire. The cache of verified tokens still honours revocation and expiry.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  EmbeddedJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVerifiedTokenCache } from '../../src/auth/index.js';
import { hashOpaqueToken } from '../../src/crypto/index.js';
import { ERRORS } from '../../src/errors.js';
import {
  createTestApp,
  createTestClock,
  createUser,
  loggedInUser,
  login,
  type TestApp,
  type TestClock,
} from '../helpers/test-app.js';

type Response = Awaited<ReturnType<TestApp['app']['inject']>>;
type Headers = Record<string, string>;

const TTL = 900;

function expectError(response: Response, status: number, code: string): void {
  expect(response.statusCode).toBe(status);
  expect(response.json().error.code).toBe(code);
}

function me(app: TestApp, headers: Headers): Promise<Response> {
  return app.app.inject({ url: '/v1/me', headers });
}

const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = (clock: () => number = Date.now) => Math.floor(clock() / 1000);

/** Signs `payload` with `key` under `header` (jose adds nothing: every claim is the caller's). */
function sign(
  payload: JWTPayload,
  header: Record<string, unknown>,
  key: KeyObject | Uint8Array,
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key);
}

async function jwksOf(app: TestApp): Promise<{ keys: JWK[] }> {
  const response = await app.app.inject({ url: '/.well-known/jwks.json' });
  expect(response.statusCode).toBe(200);
  return response.json();
}

let t: TestApp;
let foreign: TestApp;
let victim: Awaited<ReturnType<typeof loggedInUser>>;
/** The claims of a real, live session: a token signed with the server's key over these is accepted. */
let claims: { iss: string; aud: string; sub: string; sid: string; iat: number; exp: number; jti: string };
let kid: string;

/** A token over the victim's live session, signed with the server's real private key; `edit` introduces one defect. */
async function forge(
  edit: { header?: Record<string, unknown>; payload?: Record<string, unknown>; omit?: string[] } = {},
): Promise<string> {
  const current = t.services.keyring.current();
  const now = nowSeconds();
  const payload: Record<string, unknown> = { ...claims, iat: now, exp: now + TTL, jti: crypto.randomUUID() };
  Object.assign(payload, edit.payload);
  for (const name of edit.omit ?? []) delete payload[name];
  return sign(payload, { alg: 'EdDSA', typ: 'at+jwt', kid: current.kid, ...edit.header }, current.privateKey);
}

beforeAll(async () => {
  [t, foreign] = await Promise.all([createTestApp(), createTestApp()]);
  victim = await loggedInUser(t);
  const payload = decodeJwt(victim.tokens.access_token);
  claims = payload as typeof claims;
  kid = decodeProtectedHeader(victim.tokens.access_token).kid as string;
});
afterAll(async () => {
  await Promise.all([t.close(), foreign.close()]);
});

describe('issued access tokens', () => {
  it('are EdDSA at+jwt with a published kid, carry iss/aud/sub/sid/iat/exp/jti/roles, and live 900 s', async () => {
    const token = victim.tokens.access_token;
    expect(victim.tokens.expires_in).toBe(TTL);
    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: expect.any(String) });

    const jwks = await jwksOf(t);
    expect(jwks.keys).toHaveLength(1);
    const [published] = jwks.keys;
    expect(published).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      kid: header.kid,
      alg: 'EdDSA',
      use: 'sig',
    });
    // Public parameters only, and the kid is the RFC 7638 thumbprint of the key.
    expect(published).not.toHaveProperty('d');
    expect(await calculateJwkThumbprint(published as JWK)).toBe(header.kid);

    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      issuer: t.config.issuer,
      audience: t.config.audience,
      typ: 'at+jwt',
      requiredClaims: ['exp', 'iat', 'sub', 'sid', 'jti'],
    });
    expect(protectedHeader.kid).toBe(header.kid);
    expect(payload).toEqual({
      iss: 'strongroom',
      aud: 'strongroom-api',
      sub: victim.id,
      sid: expect.any(String),
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.any(String),
      roles: ['user'],
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(TTL);
    expect(Math.abs((payload.iat ?? 0) - nowSeconds())).toBeLessThan(30);

    const response = await me(t, victim.headers);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: victim.id, authenticated_by: 'session' });
  });

  it('control: a token signed with the real key over a live session is accepted, so each case below fails for one defect only', async () => {
    const response = await me(t, bearer(await forge()));
    expect(response.statusCode).toBe(200);
    expect(response.json().id).toBe(victim.id);
  });
});

describe('refused tokens answer 401 INVALID_TOKEN', () => {
  const attacker = generateKeyPairSync('ed25519');
  const attackerJwk = attacker.publicKey.export({ format: 'jwk' }) as JWK;

  const cases: Array<[string, () => Promise<string>]> = [
    [
      'alg none, unsigned',
      async () =>
        `${b64url({ alg: 'none', typ: 'at+jwt', kid })}.${b64url({ ...claims, iat: nowSeconds() })}.`,
    ],
    ['alg None (other spelling), unsigned', async () => `${b64url({ alg: 'None', kid })}.${b64url(claims)}.`],
    ['alg none without a kid', async () => `eyJhbGciOiJub25lIn0.${b64url(claims)}.`],
    [
      'an embedded jwk header naming the attacker key (signed by it, with the real kid)',
      async () => {
        const now = nowSeconds();
        const token = await sign(
          { ...claims, iat: now, exp: now + TTL },
          { alg: 'EdDSA', typ: 'at+jwt', kid, jwk: attackerJwk },
          attacker.privateKey,
        );
        // The token is genuinely valid for a verifier that trusts embedded keys.
        await expect(jwtVerify(token, EmbeddedJWK)).resolves.toHaveProperty('payload.sub', victim.id);
        return token;
      },
    ],
    [
      'a jwk header, even on a token signed with the real key',
      async () =>
        forge({
          header: { jwk: createPublicKey(t.services.keyring.current().privateKey).export({ format: 'jwk' }) },
        }),
    ],
    ['a jku header', async () => forge({ header: { jku: 'https://attacker.example/jwks.json' } })],
    ['an x5u header', async () => forge({ header: { x5u: 'https://attacker.example/cert.pem' } })],
    [
      'HS256 keyed with the raw public key bytes (algorithm confusion)',
      async () => {
        const jwk = (await jwksOf(t)).keys[0] as JWK;
        const now = nowSeconds();
        const secret = Buffer.from(jwk.x ?? '', 'base64url');
        return sign({ ...claims, iat: now, exp: now + TTL }, { alg: 'HS256', typ: 'at+jwt', kid }, secret);
      },
    ],
    [
      'HS256 keyed with the SPKI PEM of the public key (algorithm confusion)',
      async () => {
        const pem = createPublicKey(t.services.keyring.current().privateKey).export({
          format: 'pem',
          type: 'spki',
        });
        const now = nowSeconds();
        return sign(
          { ...claims, iat: now, exp: now + TTL },
          { alg: 'HS256', typ: 'at+jwt', kid },
          Buffer.from(pem),
        );
      },
    ],
    [
      'a changed alg header over a valid Ed25519 signature',
      async () => {
        const [, payload, signature] = (await forge()).split('.');
        return `${b64url({ alg: 'Ed25519', typ: 'at+jwt', kid })}.${payload}.${signature}`;
      },
    ],
    [
      'a payload re-encoded for another user (signature kept)',
      async () => {
        const other = await loggedInUser(t);
        const [header, , signature] = victim.tokens.access_token.split('.');
        const theirs = decodeJwt(other.tokens.access_token);
        const payload = { ...decodeJwt(victim.tokens.access_token), sub: theirs.sub, sid: theirs.sid };
        return `${header}.${b64url(payload)}.${signature}`;
      },
    ],
    [
      'one flipped signature bit',
      async () => {
        const [header, payload, signature = ''] = (await forge()).split('.');
        const bytes = Buffer.from(signature, 'base64url');
        bytes[10] = (bytes[10] ?? 0) ^ 1;
        return `${header}.${payload}.${bytes.toString('base64url')}`;
      },
    ],
    ['an unknown kid (signed with the real key)', async () => forge({ header: { kid: 'not-a-known-kid' } })],
    [
      'no kid (signed with the real key)',
      async () => {
        const current = t.services.keyring.current();
        const now = nowSeconds();
        return sign(
          { ...claims, iat: now, exp: now + TTL },
          { alg: 'EdDSA', typ: 'at+jwt' },
          current.privateKey,
        );
      },
    ],
    ['a wrong issuer', async () => forge({ payload: { iss: 'someone-else' } })],
    ['a wrong audience', async () => forge({ payload: { aud: 'another-api' } })],
    ['no exp', async () => forge({ omit: ['exp'] })],
    ['no iat', async () => forge({ omit: ['iat'] })],
    ['no sid', async () => forge({ omit: ['sid'] })],
    ['no sub', async () => forge({ omit: ['sub'] })],
    ['typ JWT instead of at+jwt', async () => forge({ header: { typ: 'JWT' } })],
    ['no typ', async () => forge({ header: { typ: undefined } })],
    [
      'an iat older than the token lifetime allows (exp still in the future)',
      async () => forge({ payload: { iat: nowSeconds() - TTL - 120, exp: nowSeconds() + 60 } }),
    ],
    [
      'an exp in the past',
      async () => forge({ payload: { iat: nowSeconds() - 120, exp: nowSeconds() - 1 } }),
    ],
    [
      'a valid token from another Strongroom instance (different keys)',
      async () => {
        const elsewhere = await loggedInUser(foreign);
        expect((await me(foreign, elsewhere.headers)).statusCode).toBe(200);
        return elsewhere.tokens.access_token;
      },
    ],
  ];

  it.each(cases)('%s', async (_name, build) => {
    const token = await build();
    expectError(await me(t, bearer(token)), 401, 'INVALID_TOKEN');
  });
});

describe('expiry', () => {
  let clock: TestClock;
  let timed: TestApp;
  beforeAll(async () => {
    clock = createTestClock();
    timed = await createTestApp({ clock });
  });
  afterAll(async () => {
    await timed.close();
  });

  it('a token works until its exp and is refused from exp on (15 minutes by default)', async () => {
    const user = await loggedInUser(timed);
    const { exp = 0 } = decodeJwt(user.tokens.access_token);
    clock.advance((exp - 1) * 1000 - clock());
    expect((await me(timed, user.headers)).statusCode).toBe(200);
    clock.advance(1000);
    expectError(await me(timed, user.headers), 401, 'INVALID_TOKEN');
  });

  it('a token unused until 901 s later is refused', async () => {
    const user = await loggedInUser(timed);
    clock.advance(901_000);
    expectError(await me(timed, user.headers), 401, 'INVALID_TOKEN');
  });
});

describe('credentials are read from the Authorization header only (API keys also from X-API-Key)', () => {
  it('refuses an access token in the query string before authenticating', async () => {
    for (const url of [
      `/v1/me?access_token=${victim.tokens.access_token}`,
      `/v1/me?token=${victim.tokens.access_token}`,
    ]) {
      expectError(await t.app.inject({ url }), 400, 'SENSITIVE_DATA_IN_URL');
    }
  });

  it('ignores a token sent only as a cookie', async () => {
    for (const cookie of [
      `access_token=${victim.tokens.access_token}`,
      `token=${victim.tokens.access_token}; a=b`,
    ]) {
      expectError(await me(t, { cookie }), 401, 'AUTHENTICATION_REQUIRED');
    }
  });

  it('refuses Basic credentials, even right ones, and a bare token with no scheme', async () => {
    const user = await createUser(t);
    const basic = Buffer.from(`${user.username}:${user.password}`).toString('base64');
    expectError(await me(t, { authorization: `Basic ${basic}` }), 401, 'INVALID_TOKEN');
    expectError(await me(t, { authorization: victim.tokens.access_token }), 401, 'INVALID_TOKEN');
  });

  it('refuses a request carrying both Authorization and X-API-Key, even when each is valid alone', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: victim.headers,
      payload: { name: 'both-headers' },
    });
    expect(created.statusCode).toBe(201);
    const key: string = created.json().key;
    expect((await me(t, { 'x-api-key': key })).statusCode).toBe(200);
    expect((await me(t, victim.headers)).statusCode).toBe(200);
    const both = await me(t, { ...victim.headers, 'x-api-key': key });
    expectError(both, 401, 'AMBIGUOUS_CREDENTIALS');
    // The answer says why (exactly one credential header), from the table, and echoes neither credential.
    expect(both.json().error.message).toBe(ERRORS.AMBIGUOUS_CREDENTIALS.message);
    expect(both.body).not.toContain(key);
    expect(both.body).not.toContain(victim.tokens.access_token);
    // Even a wrong pair is refused for being two, before either is checked.
    expectError(
      await me(t, { authorization: 'Bearer nonsense', 'x-api-key': 'nonsense' }),
      401,
      'AMBIGUOUS_CREDENTIALS',
    );
  });

  it('does not take an access token from X-API-Key', async () => {
    expect((await me(t, victim.headers)).statusCode).toBe(200);
    expectError(await me(t, { 'x-api-key': victim.tokens.access_token }), 401, 'INVALID_TOKEN');
  });
});

describe('the verified-token cache', () => {
  it('still honours logout: a cached token is refused on the next request', async () => {
    const user = await loggedInUser(t);
    const keyLookup = vi.spyOn(t.services.keyring, 'findPublicKey');
    try {
      expect((await me(t, user.headers)).statusCode).toBe(200);
      expect(keyLookup).toHaveBeenCalledTimes(1);
      expect((await me(t, user.headers)).statusCode).toBe(200);
      // Served from the cache: no second key lookup, no second signature check.
      expect(keyLookup).toHaveBeenCalledTimes(1);
      const out = await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: user.headers });
      expect(out.statusCode).toBe(204);
      expectError(await me(t, user.headers), 401, 'INVALID_TOKEN');
      expect(keyLookup).toHaveBeenCalledTimes(1);
    } finally {
      keyLookup.mockRestore();
    }
  });

  it('still honours disabling the user', async () => {
    const user = await loggedInUser(t);
    expect((await me(t, user.headers)).statusCode).toBe(200);
    await t.services.users.update(user.id, { disabled: true }, { bySession: true });
    expectError(await me(t, user.headers), 401, 'INVALID_TOKEN');
  });

  it('still honours expiry: a cached token stops working at its exp', async () => {
    const clock = createTestClock();
    const timed = await createTestApp({ clock });
    try {
      const user = await loggedInUser(timed);
      const { exp = 0 } = decodeJwt(user.tokens.access_token);
      const keyLookup = vi.spyOn(timed.services.keyring, 'findPublicKey');
      expect((await me(timed, user.headers)).statusCode).toBe(200);
      clock.advance((exp - 1) * 1000 - clock());
      expect((await me(timed, user.headers)).statusCode).toBe(200);
      expect(keyLookup).toHaveBeenCalledTimes(1);
      clock.advance(1000);
      expectError(await me(timed, user.headers), 401, 'INVALID_TOKEN');
    } finally {
      await timed.close();
    }
  });

  it('is bounded, evicting the least recently used entry, and drops entries at exp', () => {
    let now = 1_000_000;
    const cache = createVerifiedTokenCache({ maxEntries: 2, clock: () => now });
    const claim = (sub: string, exp = 2_000) => ({ sub, sid: `s-${sub}`, iat: exp - 900, exp });
    cache.set('a', claim('a'));
    cache.set('b', claim('b'));
    expect(cache.get('a')).toEqual(claim('a'));
    cache.set('c', claim('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(claim('a'));
    expect(cache.get('c')).toEqual(claim('c'));
    now = 2_000_000;
    expect(cache.get('a')).toBeUndefined();
    const disabled = createVerifiedTokenCache({ maxEntries: 0, clock: () => now });
    disabled.set('a', claim('a', 9_999));
    expect(disabled.get('a')).toBeUndefined();
  });
});

describe('signing key rotation', () => {
  it('keeps the previous key published and accepted until its tokens have expired, then drops it', async () => {
    const clock = createTestClock();
    const r = await createTestApp({ clock });
    try {
      const user = await createUser(r);
      const oldToken = (await login(r, user.username, user.password)).access_token;
      const old = r.services.keyring.current();
      expect(decodeProtectedHeader(oldToken).kid).toBe(old.kid);
      const session = decodeJwt(oldToken);
      const reSign = (at: number) =>
        sign(
          { ...session, iat: at, exp: at + TTL, jti: crypto.randomUUID() },
          { alg: 'EdDSA', typ: 'at+jwt', kid: old.kid },
          old.privateKey,
        );

      const newKid = await r.services.keyring.rotate();
      expect(newKid).not.toBe(old.kid);
      expect(r.services.keyring.current().kid).toBe(newKid);
      // First use after the rotation: verified against the retired key, not served from the cache.
      expect((await me(r, bearer(oldToken))).statusCode).toBe(200);
      expect((await jwksOf(r)).keys.map((k) => k.kid).sort()).toEqual([old.kid, newKid].sort());
      const fresh = await login(r, user.username, user.password);
      expect(decodeProtectedHeader(fresh.access_token).kid).toBe(newKid);
      expect((await me(r, bearer(fresh.access_token))).statusCode).toBe(200);

      clock.advance((TTL + 61) * 1000);
      await r.services.keyring.refresh();
      expect((await jwksOf(r)).keys.map((k) => k.kid)).toEqual([newKid]);
      expectError(await me(r, bearer(oldToken)), 401, 'INVALID_TOKEN');
      // A token the retired key signs now (iat/exp fresh) is refused: the key itself is gone.
      expectError(await me(r, bearer(await reSign(nowSeconds(clock)))), 401, 'INVALID_TOKEN');
      const after = await login(r, user.username, user.password);
      expect(decodeProtectedHeader(after.access_token).kid).toBe(newKid);
      expect((await me(r, bearer(after.access_token))).statusCode).toBe(200);
    } finally {
      await r.close();
    }
  });

  it('a retired key still verifies fresh tokens during the grace period (control for the case above)', async () => {
    const clock = createTestClock();
    const r = await createTestApp({ clock });
    try {
      const user = await loggedInUser(r);
      const old = r.services.keyring.current();
      await r.services.keyring.rotate();
      clock.advance(TTL * 1000);
      await r.services.keyring.refresh();
      const now = nowSeconds(clock);
      const token = await sign(
        { ...decodeJwt(user.tokens.access_token), iat: now, exp: now + TTL, jti: crypto.randomUUID() },
        { alg: 'EdDSA', typ: 'at+jwt', kid: old.kid },
        old.privateKey,
      );
      expect((await me(r, bearer(token))).statusCode).toBe(200);
    } finally {
      await r.close();
    }
  });

  it('rotates automatically once the active key is older than the rotation period', async () => {
    const clock = createTestClock();
    const r = await createTestApp({ clock, flags: { signingKeyRotation: '1800' } });
    try {
      const first = r.services.keyring.current().kid;
      clock.advance(1799_000);
      await r.services.keyring.refresh();
      expect(r.services.keyring.current().kid).toBe(first);
      clock.advance(2_000);
      await r.services.keyring.refresh();
      const second = r.services.keyring.current().kid;
      expect(second).not.toBe(first);
      expect((await jwksOf(r)).keys.map((k) => k.kid).sort()).toEqual([first, second].sort());
      const user = await loggedInUser(r);
      expect(decodeProtectedHeader(user.tokens.access_token).kid).toBe(second);
      expect((await me(r, user.headers)).statusCode).toBe(200);
    } finally {
      await r.close();
    }
  });
});

describe('API keys', () => {
  async function createKey(
    app: TestApp,
    headers: Headers,
    payload: Record<string, unknown> = { name: 'ci' },
  ) {
    const response = await app.app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; key: string; expires_at: string | null };
  }

  it('authenticate from X-API-Key and from Authorization: Bearer', async () => {
    const owner = await loggedInUser(t);
    const { key } = await createKey(t, owner.headers);
    expect(key).toMatch(/^srk_/);
    for (const headers of [{ 'x-api-key': key }, bearer(key)]) {
      const response = await me(t, headers);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: owner.id, authenticated_by: 'api_key' });
    }
  });

  it('refuse a key with one character changed', async () => {
    const owner = await loggedInUser(t);
    const { key } = await createKey(t, owner.headers);
    for (const position of [4, 20, key.length - 1]) {
      const original = key[position];
      const changed = `${key.slice(0, position)}${original === 'A' ? 'B' : 'A'}${key.slice(position + 1)}`;
      expect(changed).not.toBe(key);
      expectError(await me(t, { 'x-api-key': changed }), 401, 'INVALID_TOKEN');
      expectError(await me(t, bearer(changed)), 401, 'INVALID_TOKEN');
    }
    expect((await me(t, { 'x-api-key': key })).statusCode).toBe(200);
  });

  it('stop working once revoked', async () => {
    const owner = await loggedInUser(t);
    const { id, key } = await createKey(t, owner.headers);
    expect((await me(t, { 'x-api-key': key })).statusCode).toBe(200);
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${id}`,
      headers: owner.headers,
    });
    expect(revoked.statusCode).toBe(204);
    expectError(await me(t, { 'x-api-key': key }), 401, 'INVALID_TOKEN');
    expectError(await me(t, bearer(key)), 401, 'INVALID_TOKEN');
  });

  it('stop working at their expiry', async () => {
    const clock = createTestClock();
    const timed = await createTestApp({ clock });
    try {
      const owner = await loggedInUser(timed);
      const { key, expires_at } = await createKey(timed, owner.headers, { name: 'short', expires_in: 60 });
      expect(Date.parse(expires_at ?? '')).toBe(clock() + 60_000);
      clock.advance(59_000);
      expect((await me(timed, { 'x-api-key': key })).statusCode).toBe(200);
      clock.advance(2_000);
      expectError(await me(timed, { 'x-api-key': key }), 401, 'INVALID_TOKEN');
    } finally {
      await timed.close();
    }
  });

  it('cannot mint another key', async () => {
    const owner = await loggedInUser(t);
    const { key } = await createKey(t, owner.headers);
    for (const headers of [{ 'x-api-key': key }, bearer(key)]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers,
        payload: { name: 'child' },
      });
      expectError(response, 403, 'FORBIDDEN');
    }
  });

  it('are never listed with their secret or its hash', async () => {
    const owner = await loggedInUser(t);
    const { id, key } = await createKey(t, owner.headers);
    for (const headers of [owner.headers, { 'x-api-key': key }]) {
      const listing = await t.app.inject({ url: '/v1/api-keys', headers });
      expect(listing.statusCode).toBe(200);
      expect(listing.json().api_keys.map((k: { id: string }) => k.id)).toContain(id);
      expect(listing.body).not.toContain(key);
      expect(listing.body).not.toContain('srk_');
      expect(listing.body).not.toContain(hashOpaqueToken(key));
      expect(listing.body).not.toContain(key.slice(4, 24));
    }
  });
});
