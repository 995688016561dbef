/**
 * Local verification of Strongroom access tokens with the keys the server publishes at `/.well-known/jwks.json`.
 *
 * Invariants, as the server itself verifies (src/auth/access-token.ts): the algorithm is pinned to EdDSA and the
 * header `typ` to `at+jwt`; `exp`, `iat`, `sub`, `sid` and `jti` are required; `iss` and `aud` must be the ones
 * configured; a header that brings its own key (`jwk`, `jku`, `x5c`, `x5u`) or `crit` is refused before any
 * signature work, so `alg: none`, HS256 signed with the public key, and attacker-supplied keys never verify. Keys
 * come from the JWKS only (jose `createRemoteJWKSet`: cached, refetched on an unknown `kid` at most once per
 * cooldown, one fetch at a time). Every invalid token is `invalid`, whatever the reason, so callers cannot tell
 * why; a JWKS that cannot be fetched is `unavailable` (fail closed, but not blamed on the token).
 * A verified token is remembered (by its SHA-256, never the token) until it expires, in a bounded cache.
 * `password_change_required: true` (a session started with an administrator's one-time password, which Strongroom
 * lets only change the password) is read into `passwordChangeRequired`; any other value than `true` or `false` makes
 * the token invalid.
 * Not addressed: revocation (a logout does not change the token): see session-checker.ts.
 */
import { hash } from 'node:crypto';
import { decodeProtectedHeader, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { createLru } from './lru.js';

export const ACCESS_TOKEN_TYP = 'at+jwt';
const MAX_TOKEN_LENGTH = 4096;
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5c', 'x5u', 'crit'];
/** The claim Strongroom puts on a token whose session must change its password first (src/auth/access-token.ts). */
export const PASSWORD_CHANGE_CLAIM = 'password_change_required';

export interface VerifiedToken {
  readonly sub: string;
  readonly sid: string;
  /** Seconds since the epoch. */
  readonly exp: number;
  readonly iat: number;
  /** The session may only change the password (Strongroom answers 403 PASSWORD_CHANGE_REQUIRED to anything else). */
  readonly passwordChangeRequired: boolean;
}

export type Verification =
  | { readonly ok: true; readonly claims: VerifiedToken }
  | { readonly ok: false; readonly code: 'INVALID_TOKEN' | 'DEPENDENCY_UNAVAILABLE' };

const INVALID: Verification = Object.freeze({ ok: false, code: 'INVALID_TOKEN' });
const UNAVAILABLE: Verification = Object.freeze({ ok: false, code: 'DEPENDENCY_UNAVAILABLE' });

/** True when verification failed because the keys could not be fetched, not because of the token. */
function isKeySourceFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  return !(error instanceof errors.JOSEError) || error.code === 'ERR_JOSE_GENERIC';
}

/** The key a verified token is remembered under: never the token itself. */
export function tokenDigest(token: string): string {
  // The one-shot hash: createHash's object costs more than the hashing of a token.
  return hash('sha256', token, 'base64url');
}

export function createTokenVerifier(deps: {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  clock: () => number;
  maxCachedTokens: number;
}) {
  // The verdict itself is remembered (frozen), so a cached hit allocates nothing.
  const verified = createLru<string, Verification & { readonly ok: true }>(deps.maxCachedTokens);

  /** The verdict the cache alone gives (too long, remembered and fresh, remembered but expired), or undefined. */
  function verifyCached(token: string, key: string): Verification | undefined {
    if (token.length > MAX_TOKEN_LENGTH) return INVALID;
    const cached = verified.get(key);
    if (cached === undefined) return undefined;
    if (cached.claims.exp > deps.clock() / 1000) return cached;
    verified.delete(key);
    return INVALID;
  }

  return {
    verifyCached,

    /**
     * The token's claims when it is a valid, unexpired Strongroom access token for this audience. `digest` is
     * the token's `tokenDigest`, when the caller has it already (the authenticator hashes each token once).
     */
    async verify(token: string, digest?: string): Promise<Verification> {
      if (token.length > MAX_TOKEN_LENGTH) return INVALID;
      const key = digest ?? tokenDigest(token);
      const known = verifyCached(token, key);
      if (known !== undefined) return known;
      let header: ReturnType<typeof decodeProtectedHeader>;
      try {
        header = decodeProtectedHeader(token);
      } catch {
        return INVALID;
      }
      if (header.alg !== 'EdDSA' || header.typ !== ACCESS_TOKEN_TYP || typeof header.kid !== 'string') {
        return INVALID;
      }
      if (FORBIDDEN_HEADERS.some((name) => name in header)) return INVALID;
      try {
        const { payload } = await jwtVerify(token, deps.keys, {
          algorithms: ['EdDSA'],
          typ: ACCESS_TOKEN_TYP,
          issuer: deps.issuer,
          audience: deps.audience,
          requiredClaims: ['exp', 'iat', 'sub', 'sid', 'jti'],
          currentDate: new Date(deps.clock()),
        });
        const { sub, sid, exp, iat, [PASSWORD_CHANGE_CLAIM]: pending = false } = payload;
        if (
          typeof sub !== 'string' ||
          typeof sid !== 'string' ||
          typeof exp !== 'number' ||
          typeof iat !== 'number' ||
          typeof pending !== 'boolean'
        ) {
          return INVALID;
        }
        const claims: VerifiedToken = Object.freeze({ sub, sid, exp, iat, passwordChangeRequired: pending });
        const verdict = Object.freeze({ ok: true as const, claims });
        verified.set(key, verdict);
        return verdict;
      } catch (error) {
        return isKeySourceFailure(error) ? UNAVAILABLE : INVALID;
      }
    },
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
