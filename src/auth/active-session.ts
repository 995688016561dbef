/**
 * When a verified access token still counts: the one rule that authentication (`authenticate.ts`) and token
 * introspection (`introspection.ts`) both apply, so an application asking about a token gets the answer the
 * server itself would act on.
 * Invariants: a token is alive only while its session exists, is not revoked or expired, belongs to the token's
 * `sub`, and its user is enabled with the credential version the session was started under (a password change
 * ends every older session). The rows come from the credential cache when it may answer (credential-cache.ts: only
 * while the revocation bus is live, never older than its age bound), else from storage; the checks themselves run
 * on every request, so expiry is exact.
 */
import type { SessionRecord, SessionStore } from '../storage/index.js';
import type { CachedUser, CredentialCache } from './credential-cache.js';
import type { VerifiedClaims } from './verified-token-cache.js';

export interface LiveSession {
  session: SessionRecord;
  /** What authentication reads of the user: never the password hash. */
  user: CachedUser;
}

/** The session and user behind verified claims; null when the token no longer counts, whatever the reason. */
export function createSessionCheck(deps: {
  sessions: Pick<SessionStore, 'findSessionWithUser'>;
  clock: () => number;
  cache?: Pick<CredentialCache, 'session'>;
}) {
  const read = (id: string) => deps.sessions.findSessionWithUser(id);
  return async function findLiveSession(claims: VerifiedClaims): Promise<LiveSession | null> {
    const found: LiveSession | null =
      deps.cache === undefined
        ? await read(claims.sid)
        : await deps.cache.session(claims.sid, () => read(claims.sid));
    return liveOrNull(claims, found, deps.clock);
  };
}

/** `found` when it is the live session of `claims` (every check above, against `clock` now); null otherwise. */
export function liveOrNull(
  claims: VerifiedClaims,
  found: LiveSession | null,
  clock: () => number,
): LiveSession | null {
  if (found === null) return null;
  const { session, user } = found;
  if (session.revokedAt !== null || session.userId !== claims.sub || session.expiresAt <= clock())
    return null;
  // A session from before the last password change (or from a check of the old password) is dead.
  if (user.disabled || user.credentialVersion !== session.credentialVersion) return null;
  return found;
}

export type SessionCheck = ReturnType<typeof createSessionCheck>;
