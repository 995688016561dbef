import type { Kysely } from 'kysely';
import { decodeStringArray } from './json-column.js';
import type { Database } from './schema.js';
import { createUserReads } from './user-reads.js';
import { createUserWrites } from './user-writes.js';

export {
  type NewUserRecord,
  toUserRecord,
  type UserAttributes,
  type UserRecord,
  usernameKey,
} from './user-record.js';

/** Enabled role holders, locked and counted, so that racing changes cannot remove the last admin. */
function createUserRoleGuards(db: Kysely<Database>) {
  return {
    /**
     * Locks the enabled admins' rows until the transaction ends, so that concurrent demotions, disables and
     * deletions of admins run one after the other: under PostgreSQL's READ COMMITTED each would otherwise count the
     * other admin as remaining and both would commit, leaving none. A no-op UPDATE takes the row locks on
     * PostgreSQL and the write lock on SQLite with the same SQL.
     */
    async lockEnabledAdmins(): Promise<void> {
      await db
        .updateTable('users')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('disabled', '=', 0)
        .where('roles', 'like', '%"admin"%')
        .execute();
    },
    async countEnabledAdmins(): Promise<number> {
      const rows = await db.selectFrom('users').select('roles').where('disabled', '=', 0).execute();
      return rows.filter((r) => decodeStringArray('users.roles', r.roles).includes('admin')).length;
    },
  };
}

export function createUserStore(db: Kysely<Database>) {
  return { ...createUserReads(db), ...createUserWrites(db), ...createUserRoleGuards(db) };
}

export type UserStore = ReturnType<typeof createUserStore>;
