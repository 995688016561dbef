/**
 * Token introspection (RFC 7662): tells an application whether an access token is active now, and for whom, so its
 * middleware can refuse a logged-out or revoked session before the token expires and act on current roles.
 * Invariants:
 * - a token is active exactly when the server itself would accept it (`verify`, then `findLiveSession`: the same
 *   checks as authentication), so revocation, logout, a disabled user and a password change show at once;
 * - an inactive token, for any reason (unknown, malformed, expired, wrong issuer or audience, bad signature, dead
 *   session, an API key or refresh token), is answered `{ active: false }` and nothing else (RFC 7662 §2.2): the
 *   caller cannot tell why, nor learn anything about the token's subject;
 * - a session of an account whose password an administrator reset (`mustChangePassword`) is inactive: this server
 *   lets it only change the password, read /v1/me and log out, so an application must not serve it as the user;
 * - `roles` are the user's roles now, read from storage; the token's own `roles` claim is never consulted.
 * Threats addressed: a stolen but revoked token replayed at an application that verifies tokens locally. Not
 * addressed: who may introspect (the route's policy action `introspect`), and the token in transit (TLS, body only).
 * The token is never logged, audited or kept beyond the verified-token cache's SHA-256 key.
 */
import type { AccessTokens } from './access-token.js';
import type { SessionCheck } from './active-session.js';

export type Introspection =
  | { active: false }
  | {
      active: true;
      /** The user id. */
      sub: string;
      /** The session id. */
      sid: string;
      /** The user's roles now (not those in the token). */
      roles: string[];
      /** Seconds since the epoch. */
      iat: number;
      exp: number;
      iss: string;
      aud: string;
    };

const INACTIVE: Introspection = Object.freeze({ active: false });

export function createIntrospection(deps: {
  accessTokens: Pick<AccessTokens, 'verify' | 'issuer' | 'audience'>;
  findLiveSession: SessionCheck;
}) {
  return {
    /** Whether `token` is an active access token of this server, and whose; `{ active: false }` otherwise. */
    async introspect(token: string): Promise<Introspection> {
      const claims = await deps.accessTokens.verify(token);
      if (claims === null) return INACTIVE;
      const live = await deps.findLiveSession(claims);
      if (live === null || live.user.mustChangePassword) return INACTIVE;
      return {
        active: true,
        sub: claims.sub,
        sid: claims.sid,
        roles: [...live.user.roles],
        iat: claims.iat,
        exp: claims.exp,
        iss: deps.accessTokens.issuer,
        aud: deps.accessTokens.audience,
      };
    },
  };
}

export type TokenIntrospection = ReturnType<typeof createIntrospection>;
