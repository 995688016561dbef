/**
 * Sessions and their refresh tokens. A session is one login; each refresh hands out a new single-use refresh token
 * in the same session (the "family"). A refresh token presented twice means it was copied: the whole session is
 * revoked. Only SHA-256 hashes of refresh tokens are stored.
 * A session records the user's credential version at login; authentication and refresh accept it only while that
 * is still the user's version, so a login that checked the old password just before a password change cannot
 * produce a session that outlives the change.
 * Revoking a session for a security reason (a copied refresh token, a token seen in clear text, a password
 * change) also revokes the API keys minted in it: a stolen access token must not leave a long-lived key behind.
 */
import { randomUUID } from 'node:crypto';
import { generateOpaqueToken, hashOpaqueToken, isOpaqueToken } from '../crypto/index.js';
import type { ApiKeyStore, SessionStore, Transactor } from '../storage/index.js';
import type { RevocationPublisher } from './revocations.js';

/** Revocation reasons that mean the session's credentials may be in someone else's hands. */
export const COMPROMISE_REASONS: ReadonlySet<string> = new Set([
  'refresh_token_reuse',
  'exposed_over_http',
  'password_changed',
]);

export type RefreshOutcome =
  | { ok: true; userId: string; sessionId: string; credentialVersion: number; refreshToken: string }
  | { ok: false; reason: 'invalid' | 'reused'; userId?: string; sessionId?: string };

export function createSessionService(deps: {
  transactor: Transactor;
  store: SessionStore;
  apiKeys: Pick<ApiKeyStore, 'revokeMintedBy'>;
  /** Told after every revocation (logout, reuse, exposure, …) commits: every node drops the session it cached. */
  revocations: RevocationPublisher;
  clock: () => number;
  refreshTokenTtlSeconds: number;
}) {
  async function revoke(sessionId: string, reason: string): Promise<boolean> {
    const now = deps.clock();
    const revoked = await deps.store.revokeSession(sessionId, reason, now);
    let keys: string[] = [];
    try {
      if (COMPROMISE_REASONS.has(reason)) keys = await deps.apiKeys.revokeMintedBy([sessionId], reason, now);
    } finally {
      // The session's revocation has committed even when the keys' failed: it is published either way.
      await deps.revocations.publish({ sessionIds: [sessionId], apiKeyIds: keys });
    }
    return revoked;
  }

  async function issueRefreshToken(
    store: SessionStore,
    sessionId: string,
    expiresAt: number,
  ): Promise<string> {
    const token = generateOpaqueToken('srr');
    await store.insertRefreshToken({
      tokenHash: hashOpaqueToken(token),
      sessionId,
      createdAt: deps.clock(),
      expiresAt,
      usedAt: null,
    });
    return token;
  }

  return {
    /** Starts a session for a user who just proved their password. */
    async start(
      userId: string,
      credentialVersion: number,
    ): Promise<{ sessionId: string; refreshToken: string }> {
      const now = deps.clock();
      const sessionId = randomUUID();
      const expiresAt = now + deps.refreshTokenTtlSeconds * 1000;
      const refreshToken = await deps.transactor.transaction(async (stores) => {
        await stores.sessions.insertSession({
          id: sessionId,
          userId,
          credentialVersion,
          createdAt: now,
          expiresAt,
          revokedAt: null,
          revokedReason: null,
        });
        return issueRefreshToken(stores.sessions, sessionId, expiresAt);
      });
      return { sessionId, refreshToken };
    },

    /** Exchanges a refresh token for a new one; a reused token revokes its session. */
    async refresh(token: string): Promise<RefreshOutcome> {
      if (!isOpaqueToken(token, 'srr')) return { ok: false, reason: 'invalid' };
      const record = await deps.store.findRefreshToken(hashOpaqueToken(token));
      if (record === null) return { ok: false, reason: 'invalid' };
      const session = await deps.store.findSession(record.sessionId);
      const now = deps.clock();
      if (session === null || session.revokedAt !== null || session.expiresAt <= now) {
        return { ok: false, reason: 'invalid' };
      }
      const ids = { userId: session.userId, sessionId: session.id };
      if (record.usedAt !== null) {
        await revoke(session.id, 'refresh_token_reuse');
        return { ok: false, reason: 'reused', ...ids };
      }
      if (record.expiresAt <= now) return { ok: false, reason: 'invalid' };
      const next = await deps.transactor.transaction(async (stores) => {
        // Two concurrent uses of one token: only one can consume it; the loser is a reuse.
        if (!(await stores.sessions.consumeRefreshToken(record.tokenHash, now))) return null;
        return issueRefreshToken(stores.sessions, session.id, session.expiresAt);
      });
      if (next === null) {
        await revoke(session.id, 'refresh_token_reuse');
        return { ok: false, reason: 'reused', ...ids };
      }
      return { ok: true, ...ids, credentialVersion: session.credentialVersion, refreshToken: next };
    },

    /** Revokes one session (and, for a compromise reason, the API keys minted in it). */
    revoke,

    /** Revokes the session a refresh token belongs to, e.g. one seen in clear text; its user and session ids. */
    async revokeByRefreshToken(
      token: string,
      reason: string,
    ): Promise<{ userId: string; sessionId: string } | null> {
      if (!isOpaqueToken(token, 'srr')) return null;
      const record = await deps.store.findRefreshToken(hashOpaqueToken(token));
      const session = record === null ? null : await deps.store.findSession(record.sessionId);
      if (session === null || !(await revoke(session.id, reason))) return null;
      return { userId: session.userId, sessionId: session.id };
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
