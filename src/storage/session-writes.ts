import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { SessionRecord } from './session-reads.js';

export function createSessionWrites(db: Kysely<Database>) {
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
    /** Revokes every live session of every user (a restore: everyone signs in again); returns how many. */
    async revokeAllSessions(reason: string, now: number): Promise<number> {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    /** Moves a session to a new credential version (the session that changed the password stays valid). */
    async setCredentialVersion(id: string, version: number): Promise<void> {
      await db.updateTable('sessions').set({ credential_version: version }).where('id', '=', id).execute();
    },
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('refresh_tokens').where('expires_at', '<', now).execute();
      await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
    },
  };
}
