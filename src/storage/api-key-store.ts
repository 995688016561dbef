import type { Kysely } from 'kysely';
import { decodeStringArray } from './json-column.js';
import { prepareLookup } from './prepared-query.js';
import type { Database } from './schema.js';

export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  keyHash: string;
  sessionId: string | null;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** The roles of its user this key may act with (intersected with the user's roles at use time); null = all. */
  roles: string[] | null;
}

function toRecord(row: Database['api_keys']): ApiKeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    keyHash: row.key_hash,
    sessionId: row.session_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    roles: row.roles === null ? null : decodeStringArray('api_keys.roles', row.roles),
  };
}

export function createApiKeyStore(db: Kysely<Database>) {
  const findRowByHash = prepareLookup(db, (keyHash) =>
    db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash),
  );
  const revokeIds = async (ids: string[], reason: string, now: number): Promise<void> => {
    if (ids.length === 0) return;
    await db
      .updateTable('api_keys')
      .set({ revoked_at: now, revoked_reason: reason })
      .where('id', 'in', ids)
      .where('revoked_at', 'is', null)
      .execute();
  };
  return {
    async insert(key: Omit<ApiKeyRecord, 'roles'> & { roles?: string[] | null }): Promise<void> {
      await db
        .insertInto('api_keys')
        .values({
          id: key.id,
          user_id: key.userId,
          name: key.name,
          key_hash: key.keyHash,
          session_id: key.sessionId,
          created_at: key.createdAt,
          expires_at: key.expiresAt,
          last_used_at: key.lastUsedAt,
          revoked_at: key.revokedAt,
          revoked_reason: null,
          roles: key.roles == null ? null : JSON.stringify(key.roles),
        })
        .execute();
    },
    async findByHash(keyHash: string): Promise<ApiKeyRecord | null> {
      const row = await findRowByHash(keyHash);
      return row === undefined ? null : toRecord(row);
    },
    async findById(id: string): Promise<ApiKeyRecord | null> {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
    /**
     * Key `id` when `userId` holds it and it is not revoked, else null. The owner and state are tested in SQL, so
     * another user's key and an unknown id cost the same (no row comes back to parse for either).
     */
    async findLiveOwned(userId: string, id: string): Promise<ApiKeyRecord | null> {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
    /** Live (not revoked) keys of one user, newest first. */
    async listByUser(userId: string): Promise<ApiKeyRecord[]> {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },
    async revoke(id: string, reason: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Revokes every live key minted by one of `sessionIds`; returns the ids revoked. */
    async revokeMintedBy(sessionIds: string[], reason: string, now: number): Promise<string[]> {
      if (sessionIds.length === 0) return [];
      const ids = (
        await db
          .selectFrom('api_keys')
          .select('id')
          .where('session_id', 'in', sessionIds)
          .where('revoked_at', 'is', null)
          .execute()
      ).map((r) => r.id);
      await revokeIds(ids, reason, now);
      return ids;
    },
    /**
     * Revokes every live key of a user, whatever session minted it (live, logged out, expired, revoked or deleted),
     * except those minted by `exceptSessionId`; returns the ids revoked.
     */
    async revokeUserKeys(
      userId: string,
      reason: string,
      now: number,
      exceptSessionId?: string,
    ): Promise<string[]> {
      let query = db
        .selectFrom('api_keys')
        .select('id')
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (exceptSessionId !== undefined) {
        // A key with no session (NULL) is not the keeping session's: `!=` alone would skip it.
        query = query.where((eb) =>
          eb.or([eb('session_id', 'is', null), eb('session_id', '!=', exceptSessionId)]),
        );
      }
      const ids = (await query.execute()).map((r) => r.id);
      await revokeIds(ids, reason, now);
      return ids;
    },
    async touch(id: string, now: number): Promise<void> {
      await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
    },
  };
}

export type ApiKeyStore = ReturnType<typeof createApiKeyStore>;
