import type { Kysely } from 'kysely';
import { prepareLookup } from './prepared-query.js';
import type { Database } from './schema.js';
import { toUserRecord, type UserRecord } from './user-record.js';

export interface SessionRecord {
  id: string;
  userId: string;
  credentialVersion: number;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
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

export function createSessionReads(db: Kysely<Database>) {
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
    /** Sessions revoked since `since` whose access tokens could still be unexpired. */
    async listRevokedSince(since: number): Promise<Array<{ id: string; revokedAt: number }>> {
      const rows = await db
        .selectFrom('sessions')
        .select(['id', 'revoked_at'])
        .where('revoked_at', '>=', since)
        .execute();
      return rows.map((r) => ({ id: r.id, revokedAt: r.revoked_at ?? since }));
    },
  };
}
