import type { Kysely } from 'kysely';
import { prepareLookup } from './prepared-query.js';
import type { Database } from './schema.js';
import { toUserRecord, type UserRecord } from './user-store.js';

export interface SessionRecord {
  id: string;
  userId: string;
  credentialVersion: number;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
}

export interface RefreshTokenRecord {
  tokenHash: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

function toSession(row: Database['sessions']): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    credentialVersion: row.credential_version,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  };
}

export function createSessionStore(db: Kysely<Database>) {
  const findSessionWithUserRow = prepareLookup(db, (id) =>
    db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select([
        'sessions.id as session_id',
        'sessions.credential_version as session_credential_version',
        'sessions.created_at as session_created_at',
        'sessions.expires_at as session_expires_at',
        'sessions.revoked_at as session_revoked_at',
        'sessions.revoked_reason as session_revoked_reason',
      ])
      .where('sessions.id', '=', id),
  );
  return {
    async insertSession(session: SessionRecord): Promise<void> {
      await db
        .insertInto('sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          credential_version: session.credentialVersion,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
          revoked_at: session.revokedAt,
          revoked_reason: session.revokedReason,
        })
        .execute();
    },
    /** A session with its user, in one query: authentication needs both on every request. */
    async findSessionWithUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | null> {
      const row = await findSessionWithUserRow(id);
      if (row === undefined) return null;
      const session: SessionRecord = {
        id: row.session_id,
        userId: row.id,
        credentialVersion: row.session_credential_version,
        createdAt: row.session_created_at,
        expiresAt: row.session_expires_at,
        revokedAt: row.session_revoked_at,
        revokedReason: row.session_revoked_reason,
      };
      return { session, user: toUserRecord(row) };
    },
    async findSession(id: string): Promise<SessionRecord | null> {
      const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toSession(row);
    },
    async insertRefreshToken(token: RefreshTokenRecord): Promise<void> {
      await db
        .insertInto('refresh_tokens')
        .values({
          token_hash: token.tokenHash,
          session_id: token.sessionId,
          created_at: token.createdAt,
          expires_at: token.expiresAt,
          used_at: token.usedAt,
        })
        .execute();
    },
    async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null> {
      const row = await db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row === undefined
        ? null
        : {
            tokenHash: row.token_hash,
            sessionId: row.session_id,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
            usedAt: row.used_at,
          };
    },
    /** Marks a refresh token used; false when it was already used (a concurrent or replayed use). */
    async consumeRefreshToken(tokenHash: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Revokes one session; returns false when it was already revoked or does not exist. */
    async revokeSession(id: string, reason: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Revokes every live session of a user except `keep`; returns the ids revoked. */
    async revokeUserSessions(userId: string, reason: string, now: number, keep?: string): Promise<string[]> {
      let query = db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (keep !== undefined) query = query.where('id', '!=', keep);
      const ids = (await query.execute()).map((r) => r.id);
      if (ids.length > 0) {
        await db
          .updateTable('sessions')
          .set({ revoked_at: now, revoked_reason: reason })
          .where('id', 'in', ids)
          .execute();
      }
      return ids;
    },
    /** Moves a session to a new credential version (the session that changed the password stays valid). */
    async setCredentialVersion(id: string, version: number): Promise<void> {
      await db.updateTable('sessions').set({ credential_version: version }).where('id', '=', id).execute();
    },
    /** Sessions revoked since `since` whose access tokens could still be unexpired. */
    async listRevokedSince(since: number): Promise<Array<{ id: string; revokedAt: number }>> {
      const rows = await db
        .selectFrom('sessions')
        .select(['id', 'revoked_at'])
        .where('revoked_at', '>=', since)
        .execute();
      return rows.map((r) => ({ id: r.id, revokedAt: r.revoked_at ?? since }));
    },
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('refresh_tokens').where('expires_at', '<', now).execute();
      await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
