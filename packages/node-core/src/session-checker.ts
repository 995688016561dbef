/**
 * Revocation: whether the session of a locally verified token is still live, asked of Strongroom through
 * introspection and remembered per session id for `windowMs`.
 *
 * Invariants:
 * - a session is accepted only if Strongroom said it was active at a moment no older than `windowMs` (measured
 *   from when the question was sent, not answered); with `windowMs` 0 every request asks, and never shares an
 *   answer to a question sent before it arrived;
 * - fail closed: when Strongroom cannot be asked and the session was not confirmed within the window, the request
 *   is refused (`DEPENDENCY_UNAVAILABLE`, 503: the token may well be valid, so the client should retry rather
 *   than discard it as a 401 would tell it to);
 * - an inactive answer, or one naming another user or session, refuses that token for good (remembered by its
 *   digest) and forgets the session's positive answer;
 * - concurrent requests with one token share one question (single flight); both caches are bounded (LRU).
 * Roles are those introspection answers (the user's roles now), not the token's claim.
 * One checker may serve several authenticators (shared-sessions.ts): it holds nothing an authenticator chose
 * besides the Strongroom it asks, the key it asks with and the window; each caller is told of its own failures.
 * Threats addressed: a logged-out, revoked or disabled user's token replayed until it expires. Not addressed:
 * the window itself: a revoked session may be accepted for up to `windowMs` after the revocation.
 */
import type { IntrospectionAnswer } from './introspection-client.js';
import { createLru } from './lru.js';
import { tokenDigest, type VerifiedToken } from './token-verifier.js';

/** What the checker reads of a verified token: whose session it is. */
type SessionClaims = Pick<VerifiedToken, 'sub' | 'sid'>;

export type SessionVerdict =
  | { readonly ok: true; readonly roles: readonly string[] }
  | { readonly ok: false; readonly code: 'INVALID_TOKEN' | 'DEPENDENCY_UNAVAILABLE' };

const INVALID: SessionVerdict = Object.freeze({ ok: false, code: 'INVALID_TOKEN' });

interface ConfirmedSession {
  readonly sub: string;
  readonly confirmedAt: number;
  /** The verdict given while the confirmation is fresh: built once per answer, not per request. */
  readonly verdict: SessionVerdict & { readonly ok: true };
}

/** A verdict, and the error that caused it when Strongroom could not be asked. */
interface Outcome {
  readonly verdict: SessionVerdict;
  readonly error?: unknown;
}
const INVALID_OUTCOME: Outcome = Object.freeze({ verdict: INVALID });
const UNAVAILABLE: SessionVerdict = Object.freeze({ ok: false, code: 'DEPENDENCY_UNAVAILABLE' });

export function createSessionChecker(deps: {
  introspect: (token: string) => Promise<IntrospectionAnswer>;
  windowMs: number;
  clock: () => number;
  maxEntries: number;
}) {
  const sessions = createLru<string, ConfirmedSession>(deps.maxEntries);
  const refused = createLru<string, true>(deps.maxEntries);
  const inFlight = new Map<string, Promise<Outcome>>();

  async function ask(token: string, digest: string, claims: SessionClaims): Promise<Outcome> {
    const askedAt = deps.clock();
    let answer: IntrospectionAnswer;
    try {
      answer = await deps.introspect(token);
    } catch (error) {
      return { verdict: UNAVAILABLE, error };
    }
    if (!answer.active || answer.sid !== claims.sid || answer.sub !== claims.sub) {
      refused.set(digest, true);
      sessions.delete(claims.sid);
      return INVALID_OUTCOME;
    }
    const verdict = Object.freeze({ ok: true as const, roles: answer.roles });
    const previous = sessions.get(claims.sid);
    if (previous === undefined || previous.confirmedAt <= askedAt) {
      sessions.set(claims.sid, { sub: claims.sub, confirmedAt: askedAt, verdict });
    }
    return { verdict };
  }

  async function settle(
    question: Promise<Outcome>,
    onError?: (error: unknown) => void,
  ): Promise<SessionVerdict> {
    const outcome = await question;
    if (outcome.error !== undefined) onError?.(outcome.error);
    return outcome.verdict;
  }

  /** The verdict the caches alone give (refused for good, or confirmed within the window), or undefined. */
  function checkCached(digest: string, claims: SessionClaims): SessionVerdict | undefined {
    if (refused.get(digest) !== undefined) return INVALID;
    if (deps.windowMs === 0) return undefined;
    const session = sessions.get(claims.sid);
    if (
      session !== undefined &&
      session.sub === claims.sub &&
      deps.clock() - session.confirmedAt < deps.windowMs
    ) {
      return session.verdict;
    }
    return undefined;
  }

  return {
    checkCached,

    /**
     * Whether the session of a verified token is live; see the invariants above. `digest` is the token's
     * `tokenDigest`, when the caller has it already (the authenticator hashes each token once). `onError` is
     * told why Strongroom could not be asked, when this call is refused for that reason (once per call).
     */
    async check(
      token: string,
      claims: SessionClaims,
      digest = tokenDigest(token),
      onError?: (error: unknown) => void,
    ): Promise<SessionVerdict> {
      const known = checkCached(digest, claims);
      if (known !== undefined) return known;
      if (deps.windowMs > 0) {
        const pending = inFlight.get(digest);
        if (pending !== undefined) return settle(pending, onError);
      }
      const question = ask(token, digest, claims);
      if (deps.windowMs === 0) return settle(question, onError);
      inFlight.set(digest, question);
      try {
        return await settle(question, onError);
      } finally {
        inFlight.delete(digest);
      }
    },
  };
}

export type SessionChecker = ReturnType<typeof createSessionChecker>;
