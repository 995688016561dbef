/**
 * Sessions and their refresh tokens. A session is one login; each refresh hands out a new single-use refresh token
 * in the same session (the "family"). A refresh token presented twice means it was copied: the whole session is
 * revoked. Only SHA-256 hashes of refresh tokens are stored.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { generateOpaqueToken, hashOpaqueToken, isOpaqueToken } from '../crypto/index.js';
import { type Database, inTransaction, type SessionStore } from '../storage/index.js';

export type RefreshOutcome =
  | { ok: true; userId: string; sessionId: string; refreshToken: string }
  | { ok: false; reason: 'invalid' | 'reused'; userId?: string; sessionId?: string };

export function createSessionService(deps: {
  db: Kysely<Database>;
  store: SessionStore;
  clock: () => number;
  refreshTokenTtlSeconds: number;
}) {
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
    async start(userId: string): Promise<{ sessionId: string; refreshToken: string }> {
      const now = deps.clock();
      const sessionId = randomUUID();
      const expiresAt = now + deps.refreshTokenTtlSeconds * 1000;
      const refreshToken = await inTransaction(deps.db, async (stores) => {
        await stores.sessions.insertSession({
          id: sessionId,
          userId,
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
        await deps.store.revokeSession(session.id, 'refresh_token_reuse', now);
        return { ok: false, reason: 'reused', ...ids };
      }
      if (record.expiresAt <= now) return { ok: false, reason: 'invalid' };
      const next = await inTransaction(deps.db, async (stores) => {
        // Two concurrent uses of one token: only one can consume it; the loser is a reuse.
        if (!(await stores.sessions.consumeRefreshToken(record.tokenHash, now))) return null;
        return issueRefreshToken(stores.sessions, session.id, session.expiresAt);
      });
      if (next === null) {
        await deps.store.revokeSession(session.id, 'refresh_token_reuse', now);
        return { ok: false, reason: 'reused', ...ids };
      }
      return { ok: true, ...ids, refreshToken: next };
    },

    revoke(sessionId: string, reason: string): Promise<boolean> {
      return deps.store.revokeSession(sessionId, reason, deps.clock());
    },

    revokeAllForUser(userId: string, reason: string, keep?: string): Promise<string[]> {
      return deps.store.revokeUserSessions(userId, reason, deps.clock(), keep);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
