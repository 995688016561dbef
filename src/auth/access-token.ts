/**
 * Access tokens: JWTs signed with Ed25519 (`alg: EdDSA`, `typ: at+jwt`, RFC 9068), carrying iss, aud, sub, sid, iat,
 * exp, jti and `roles` (the user's roles when the token was issued, for applications that verify tokens locally).
 * Verification pins the algorithm, requires exp, checks iss/aud/typ, and only uses keys from our own keyring: a
 * token naming an unknown kid, or embedding its own key (`jwk`, `jku`, `x5c`, `x5u`), is rejected before any
 * signature work. Every failure returns null so callers cannot learn why a token was refused.
 * Invariant: `roles` is never read back. Verified claims do not carry it, so nothing in the server can authorize
 * with roles that were revoked after issue; the authenticator reads the user's current roles on every request, and
 * introspection answers with those.
 * A token issued to a session that must change its password first (started with an administrator's one-time
 * password) carries `password_change_required: true`, so an application that only verifies signatures refuses it
 * (packages/node-core answers 403 PASSWORD_CHANGE_REQUIRED) without asking introspection. The claim only ever
 * narrows what a token is good for, and the server never reads it back either: it re-reads the user's state on every
 * request. The token keeps the claim for its life (at most `ttlSeconds`), also once the password was changed: a
 * refresh or a new login after the change issues one without it.
 */
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { signCompactEd25519 } from './compact-jws.js';
import type { SigningKeyring } from './signing-keys.js';
import type { VerifiedClaims, VerifiedTokenCache } from './verified-token-cache.js';

const MAX_TOKEN_LENGTH = 4096;
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5c', 'x5u', 'crit'];
const TYP = 'at+jwt';

/** The claim of a token whose session may only change the password (see the header). */
export const PASSWORD_CHANGE_CLAIM = 'password_change_required';

export function createAccessTokens(deps: {
  keyring: Pick<SigningKeyring, 'current' | 'findPublicKey'>;
  cache: VerifiedTokenCache;
  clock: () => number;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}) {
  return {
    ttlSeconds: deps.ttlSeconds,
    issuer: deps.issuer,
    audience: deps.audience,

    /**
     * Signs a token for a user's session, naming the roles the user holds now (informative: see the header), and
     * marked `password_change_required` when the session may only change the password.
     */
    async issue(input: {
      userId: string;
      sessionId: string;
      roles: readonly string[];
      passwordChangeRequired?: boolean;
    }): Promise<string> {
      const { kid, privateKey } = deps.keyring.current();
      const now = Math.floor(deps.clock() / 1000);
      const pending = input.passwordChangeRequired === true ? { [PASSWORD_CHANGE_CLAIM]: true } : {};
      // As jose's setters did: a clock or lifetime that is not a whole number issues no token (never `exp: null`).
      if (!Number.isSafeInteger(now) || !Number.isSafeInteger(deps.ttlSeconds) || deps.ttlSeconds <= 0) {
        throw new TypeError('access token times must be whole seconds');
      }
      const claims = {
        sid: input.sessionId,
        roles: [...input.roles],
        ...pending,
        iss: deps.issuer,
        aud: deps.audience,
        sub: input.userId,
        iat: now,
        exp: now + deps.ttlSeconds,
        jti: randomUUID(),
      };
      // Synchronous Ed25519 (compact-jws.ts says why not jose's SignJWT); jose still verifies every token.
      return signCompactEd25519({ alg: 'EdDSA', kid, typ: TYP }, JSON.stringify(claims), privateKey);
    },

    /**
     * The claims of `token` when it was verified before and is still in the verified-token cache (no signature
     * work, no promise); null when it is too long to be one of ours; undefined when `verify` must decide.
     */
    verifyCached(token: string): VerifiedClaims | null | undefined {
      if (token.length > MAX_TOKEN_LENGTH) return null;
      return deps.cache.get(token);
    },

    /** Verifies signature and claims; null for any invalid, expired or foreign token. */
    async verify(token: string): Promise<VerifiedClaims | null> {
      if (token.length > MAX_TOKEN_LENGTH) return null;
      const cached = deps.cache.get(token);
      if (cached !== undefined) return cached;
      try {
        const header = decodeProtectedHeader(token);
        if (header.alg !== 'EdDSA' || header.typ !== TYP || typeof header.kid !== 'string') return null;
        if (FORBIDDEN_HEADERS.some((name) => name in header)) return null;
        const key = await deps.keyring.findPublicKey(header.kid);
        if (key === undefined) return null;
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['EdDSA'],
          issuer: deps.issuer,
          audience: deps.audience,
          typ: TYP,
          requiredClaims: ['exp', 'iat', 'sub', 'sid', 'jti'],
          currentDate: new Date(deps.clock()),
          maxTokenAge: deps.ttlSeconds + 60,
        });
        if (
          typeof payload.sid !== 'string' ||
          typeof payload.sub !== 'string' ||
          typeof payload.exp !== 'number' ||
          typeof payload.iat !== 'number'
        ) {
          return null;
        }
        const claims: VerifiedClaims = {
          sub: payload.sub,
          sid: payload.sid,
          iat: payload.iat,
          exp: payload.exp,
        };
        deps.cache.set(token, claims);
        return claims;
      } catch {
        return null;
      }
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
