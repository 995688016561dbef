/**
 * `strongroomAuth` without a framework: from a request's URL and headers to `{ userId, sessionId, roles }` or a
 * refusal in Strongroom's shape.
 *
 * Order: credentials in the URL (400) or a cookie (401) → the bearer token (401 AUTHENTICATION_REQUIRED when
 * absent) → local verification with the JWKS (401 INVALID_TOKEN; 503 DEPENDENCY_UNAVAILABLE when the keys cannot be
 * fetched) → the token is not marked `password_change_required` (403 PASSWORD_CHANGE_REQUIRED, decided from the
 * verified claims alone: no call to Strongroom) → the session is live, asked of Strongroom at
 * most `revocationCheckSeconds` ago (401 INVALID_TOKEN when revoked, 503 DEPENDENCY_UNAVAILABLE when Strongroom
 * cannot be asked) → `roles` (403 FORBIDDEN). See token-verifier.ts and session-checker.ts for the invariants,
 * shared-verifiers.ts and shared-sessions.ts for what authenticators of one Strongroom share.
 * What an application trusts, and for how long: the signature, issuer, audience, expiry and password-change mark
 * of a token for its whole life (at most the server's access-token TTL); the session being live and the user's
 * roles for `revocationCheckSeconds` after Strongroom last confirmed them.
 */
import { resolveAuthOptions, type StrongroomAuthOptions } from './auth-options.js';
import { type Refusal, refusal } from './errors.js';
import { type RequestLike, readBearerToken } from './request-credentials.js';
import type { SessionVerdict } from './session-checker.js';
import { acquireSessionChecker } from './shared-sessions.js';
import { acquireVerifier } from './shared-verifiers.js';
import { tokenDigest, type Verification, type VerifiedToken } from './token-verifier.js';

/** Who made an authenticated request. */
export interface StrongroomIdentity {
  readonly userId: string;
  readonly sessionId: string;
  /** The user's roles as Strongroom last confirmed them (within `revocationCheckSeconds`). */
  readonly roles: readonly string[];
}

export type AuthResult =
  | { readonly ok: true; readonly identity: StrongroomIdentity }
  | { readonly ok: false; readonly refusal: Refusal };

export interface StrongroomAuthenticator {
  authenticate(request: RequestLike): Promise<AuthResult>;
  /**
   * The same verdict, given at once (no Promise) when the caches decide it: the request is refused before any
   * token work, or its token was verified before and its session confirmed within `revocationCheckSeconds` (never
   * with 0), or its token was refused for good. Otherwise a Promise, exactly as `authenticate`. The adapters use
   * this to finish the common, cached request without a turn of the event loop.
   */
  authenticateFast(request: RequestLike): AuthResult | Promise<AuthResult>;
  /** Closes the kept-alive connections to Strongroom (once no other authenticator shares them). */
  close(): void;
}

/** Creates the authenticator; throws StrongroomOptionsError at once on invalid options. */
export function createStrongroomAuthenticator(options: StrongroomAuthOptions): StrongroomAuthenticator {
  const resolved = resolveAuthOptions(options);
  // Shared with every authenticator for the same Strongroom and token profile (shared-verifiers.ts).
  const shared = acquireVerifier(resolved, options.clock !== undefined);
  const { verifier } = shared;
  // Confirmations shared with every authenticator asking the same Strongroom with the same key (shared-sessions.ts).
  const sharedSessions = acquireSessionChecker(resolved, options.clock !== undefined);
  const sessions = sharedSessions.checker;
  const required = new Set(resolved.roles);

  const refuse = (code: Parameters<typeof refusal>[0]): AuthResult =>
    Object.freeze({ ok: false, refusal: refusal(code) });
  // Refusals carry nothing of the request: built once, not per request.
  const REFUSED = {
    INVALID_TOKEN: refuse('INVALID_TOKEN'),
    DEPENDENCY_UNAVAILABLE: refuse('DEPENDENCY_UNAVAILABLE'),
    FORBIDDEN: refuse('FORBIDDEN'),
    PASSWORD_CHANGE_REQUIRED: refuse('PASSWORD_CHANGE_REQUIRED'),
  } as const;
  // The last accepted identity, given again while the same verified claims meet the same confirmation (both are
  // cached objects, replaced when the token or the confirmation changes): one frozen result, not one per request.
  let last: { claims: VerifiedToken; session: SessionVerdict; result: AuthResult } | undefined;

  function decide(claims: VerifiedToken, session: SessionVerdict): AuthResult {
    if (!session.ok) return REFUSED[session.code];
    if (last !== undefined && last.claims === claims && last.session === session) return last.result;
    if (required.size > 0 && !session.roles.some((role) => required.has(role))) return REFUSED.FORBIDDEN;
    const identity = Object.freeze({ userId: claims.sub, sessionId: claims.sid, roles: session.roles });
    const result: AuthResult = Object.freeze({ ok: true, identity });
    last = { claims, session, result };
    return result;
  }

  function afterVerification(
    token: string,
    digest: string,
    verified: Verification,
  ): AuthResult | Promise<AuthResult> {
    if (!verified.ok) {
      if (verified.code === 'DEPENDENCY_UNAVAILABLE')
        resolved.onError?.(new Error('the JWKS could not be fetched'));
      return REFUSED[verified.code];
    }
    const { claims } = verified;
    // Strongroom lets such a session only change its password: never serve it as the user, whatever its state.
    if (claims.passwordChangeRequired) return REFUSED.PASSWORD_CHANGE_REQUIRED;
    const known = sessions.checkCached(digest, claims);
    if (known !== undefined) return decide(claims, known);
    return sessions.check(token, claims, digest, resolved.onError).then((session) => decide(claims, session));
  }

  function authenticateFast(request: RequestLike): AuthResult | Promise<AuthResult> {
    const bearer = readBearerToken(request);
    if ('refusal' in bearer) return { ok: false, refusal: bearer.refusal };
    // Hashed once: the digest keys both the token cache and the session checker's.
    const digest = tokenDigest(bearer.token);
    const known = verifier.verifyCached(bearer.token, digest);
    if (known !== undefined) return afterVerification(bearer.token, digest, known);
    return verifier
      .verify(bearer.token, digest)
      .then((verified) => afterVerification(bearer.token, digest, verified));
  }

  return {
    authenticateFast,
    async authenticate(request) {
      return authenticateFast(request);
    },
    close() {
      shared.release();
      sharedSessions.release();
    },
  };
}
