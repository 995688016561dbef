import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTVerifyGetKey, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, tokenDigest } from './token-verifier.js';

const ISSUER = 'strongroom';
const AUDIENCE = 'strongroom-api';
const NOW = Date.UTC(2026, 0, 1);

let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let publicJwk: JWK;
let jwks: JWTVerifyGetKey;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
  jwks = createLocalJWKSet({ keys: [publicJwk] });
});

const seconds = (ms: number) => Math.floor(ms / 1000);

function token(
  overrides: {
    iss?: string;
    aud?: string;
    exp?: number;
    typ?: string;
    kid?: string;
    sid?: string | null;
    claims?: Record<string, unknown>;
  } = {},
  key: typeof privateKey | Uint8Array = privateKey,
  alg = 'EdDSA',
) {
  const jwt = new SignJWT(
    overrides.sid === null
      ? {}
      : { sid: overrides.sid ?? randomUUID(), roles: ['user'], ...overrides.claims },
  )
    .setProtectedHeader({ alg, kid: overrides.kid ?? 'k1', typ: overrides.typ ?? 'at+jwt' })
    .setIssuer(overrides.iss ?? ISSUER)
    .setAudience(overrides.aud ?? AUDIENCE)
    .setSubject(randomUUID())
    .setIssuedAt(seconds(NOW))
    .setExpirationTime(overrides.exp ?? seconds(NOW) + 900)
    .setJti(randomUUID());
  return jwt.sign(key);
}

function verifier(options: { keys?: JWTVerifyGetKey; clock?: () => number } = {}) {
  return createTokenVerifier({
    keys: options.keys ?? jwks,
    issuer: ISSUER,
    audience: AUDIENCE,
    clock: options.clock ?? (() => NOW + 1000),
    maxCachedTokens: 100,
  });
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('createTokenVerifier', () => {
  it('accepts a token the server would issue and returns its claims', async () => {
    const result = await verifier().verify(await token({ sid: 's-1' }));
    expect(result).toMatchObject({
      ok: true,
      claims: { sid: 's-1', exp: seconds(NOW) + 900, passwordChangeRequired: false },
    });
  });

  it('reads the password-change mark of a session that may only change its password', async () => {
    const marked = await verifier().verify(await token({ claims: { password_change_required: true } }));
    expect(marked).toMatchObject({ ok: true, claims: { passwordChangeRequired: true } });
    const unmarked = await verifier().verify(await token({ claims: { password_change_required: false } }));
    expect(unmarked).toMatchObject({ ok: true, claims: { passwordChangeRequired: false } });
  });

  it.each([['true'], [1], [null], [{}]])('refuses a password-change mark of %j', async (value) => {
    const result = await verifier().verify(await token({ claims: { password_change_required: value } }));
    expect(result).toEqual({ ok: false, code: 'INVALID_TOKEN' });
  });

  it.each([
    ['expired', { exp: seconds(NOW) - 1 }],
    ['from another issuer', { iss: 'https://evil.example' }],
    ['for another audience', { aud: 'other-api' }],
    ['with another typ', { typ: 'JWT' }],
    ['without a session id', { sid: null }],
    ['signed by an unknown kid', { kid: 'k2' }],
  ])('refuses a token %s', async (_name, overrides) => {
    expect(await verifier().verify(await token(overrides))).toEqual({ ok: false, code: 'INVALID_TOKEN' });
  });

  it('refuses alg none', async () => {
    const payload = {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'u',
      sid: 's',
      jti: 'j',
      iat: seconds(NOW),
      exp: seconds(NOW) + 60,
    };
    for (const header of [{ alg: 'none', typ: 'at+jwt', kid: 'k1' }, { alg: 'none' }]) {
      const unsigned = `${b64(header)}.${b64(payload)}.`;
      expect(await verifier().verify(unsigned)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    }
  });

  it('refuses HS256 signed with the public key as the secret', async () => {
    const secret = Buffer.from(publicJwk.x ?? '', 'base64url');
    const forged = await token({}, new Uint8Array(secret), 'HS256');
    expect(await verifier().verify(forged)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    const asText = await token({}, new TextEncoder().encode(JSON.stringify(publicJwk)), 'HS256');
    expect(await verifier().verify(asText)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
  });

  it('refuses a token that embeds its own key', async () => {
    const other = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = await exportJWK(other.publicKey);
    const forged = await new SignJWT({ sid: 's' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1', jwk })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('u')
      .setIssuedAt(seconds(NOW))
      .setExpirationTime(seconds(NOW) + 60)
      .setJti('j')
      .sign(other.privateKey);
    expect(await verifier().verify(forged)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
  });

  it('refuses a tampered payload and garbage', async () => {
    const [head, , signature] = (await token()).split('.');
    const tampered = `${head}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', sid: 's', jti: 'j', iat: 1, exp: 9e9 })}.${signature}`;
    expect(await verifier().verify(tampered)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    expect(await verifier().verify('not a token')).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    expect(await verifier().verify(`${'a'.repeat(5000)}`)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
  });

  it('verifies a token once, then answers from the cache until it expires', async () => {
    let lookups = 0;
    const counting: JWTVerifyGetKey = (header, input) => {
      lookups++;
      return jwks(header, input);
    };
    let now = NOW + 1000;
    const cached = verifier({ keys: counting, clock: () => now });
    const jwt = await token({ exp: seconds(NOW) + 60 });
    expect((await cached.verify(jwt)).ok).toBe(true);
    expect((await cached.verify(jwt)).ok).toBe(true);
    expect(lookups).toBe(1);
    now = NOW + 61_000;
    expect(await cached.verify(jwt)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
  });

  it('answers at once from the cache (verifyCached) only for a token it verified, until it expires', async () => {
    let now = NOW + 1000;
    const cached = verifier({ clock: () => now });
    const jwt = await token({ exp: seconds(NOW) + 60 });
    const digest = tokenDigest(jwt);
    expect(cached.verifyCached(jwt, digest)).toBeUndefined();
    expect((await cached.verify(jwt, digest)).ok).toBe(true);
    expect(cached.verifyCached(jwt, digest)).toMatchObject({ ok: true, claims: { exp: seconds(NOW) + 60 } });
    expect(cached.verifyCached(`${jwt}x`, tokenDigest(`${jwt}x`))).toBeUndefined();
    expect(cached.verifyCached('a'.repeat(5000), 'any')).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    now = NOW + 61_000;
    expect(cached.verifyCached(jwt, digest)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    // Forgotten once expired: nothing is remembered for it any more.
    expect(cached.verifyCached(jwt, digest)).toBeUndefined();
  });

  it('says the keys are unavailable, not the token invalid, when the JWKS cannot be fetched', async () => {
    const unreachable: JWTVerifyGetKey = async () => {
      throw new TypeError('fetch failed');
    };
    expect(await verifier({ keys: unreachable }).verify(await token())).toEqual({
      ok: false,
      code: 'DEPENDENCY_UNAVAILABLE',
    });
  });
});
