import type { Kysely } from 'kysely';
import type { DatabaseKind } from './database.js';
import { decodeStringArray } from './json-column.js';
import type { Database } from './schema.js';
import { createUserReads } from './user-reads.js';
import { createUserWrites } from './user-writes.js';

export {
  type NewUserRecord,
  type StoredSubject,
  toUserRecord,
  type UserAttributes,
  type UserRecord,
  usernameKey,
} from './user-record.js';

/** Enabled accounts, locked and listed, so that racing changes cannot remove the last administrator. */
function createUserRoleGuards(db: Kysely<Database>, kind: DatabaseKind) {
  return {
    /**
     * Locks, until the transaction ends, the row of user `id` and of every enabled user, so that a change of `id`
     * decided from what these rows say (who still administers) runs after, never beside, another such change: under
     * PostgreSQL's READ COMMITTED two demotions would otherwise each count the other as remaining and both commit.
     * PostgreSQL: `SELECT … FOR UPDATE` in id order (one order for everyone, so two lockers cannot deadlock; no row
     * is rewritten). SQLite: a no-op UPDATE of the row takes the database's write lock, which serializes writers.
     */
    async lockForAdministration(id: string): Promise<void> {
      if (kind === 'postgres') {
        await db
          .selectFrom('users')
          .select('id')
          .where((eb) => eb.or([eb('disabled', '=', 0), eb('id', '=', id)]))
          .orderBy('id')
          .forUpdate()
          .execute();
        return;
      }
      await db
        .updateTable('users')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', id)
        .execute();
    },
    /**
     * Locks the row of user `id` until the transaction ends, so that changes counted per user (live API keys)
     * queue instead of each counting without the other. SQLite: the write lock, as above.
     */
    async lockUser(id: string): Promise<void> {
      if (kind === 'postgres') {
        await db.selectFrom('users').select('id').where('id', '=', id).forUpdate().execute();
        return;
      }
      await db
        .updateTable('users')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', id)
        .execute();
    },
    async listEnabledRoles(): Promise<Array<{ id: string; roles: string[] }>> {
      const rows = await db.selectFrom('users').select(['id', 'roles']).where('disabled', '=', 0).execute();
      return rows.map((r) => ({ id: r.id, roles: decodeStringArray('users.roles', r.roles) }));
    },
  };
}

export function createUserStore(db: Kysely<Database>, kind: DatabaseKind) {
  return { ...createUserReads(db), ...createUserWrites(db), ...createUserRoleGuards(db, kind) };
}

export type UserStore = ReturnType<typeof createUserStore>;
