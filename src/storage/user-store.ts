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

/** Enabled role holders, locked and counted, so that racing changes cannot remove the last user manager. */
function createUserRoleGuards(db: Kysely<Database>) {
  return {
    /**
     * Locks the rows of enabled users holding any of `roles` until the transaction ends, so that concurrent
     * demotions, disables and deletions of them run one after the other: under PostgreSQL's READ COMMITTED each
     * would otherwise count the other as remaining and both would commit, leaving none. A no-op UPDATE takes the row
     * locks on PostgreSQL and the write lock on SQLite with the same SQL. Role names are policy identifiers
     * (`[A-Za-z0-9_.:-]`, no `%`): an `_` in one may match another character too, which only locks more rows; the
     * count that follows is exact.
     */
    async lockEnabledWithAnyRole(roles: readonly string[]): Promise<void> {
      if (roles.length === 0) return;
      await db
        .updateTable('users')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('disabled', '=', 0)
        .where((eb) => eb.or(roles.map((role) => eb('roles', 'like', `%${JSON.stringify(role)}%`))))
        .execute();
    },
    async countEnabledWithAnyRole(roles: readonly string[]): Promise<number> {
      const rows = await db.selectFrom('users').select('roles').where('disabled', '=', 0).execute();
      return rows.filter((r) =>
        decodeStringArray('users.roles', r.roles).some((role) => roles.includes(role)),
      ).length;
    },
  };
}

export function createUserStore(db: Kysely<Database>) {
  return { ...createUserReads(db), ...createUserWrites(db), ...createUserRoleGuards(db) };
}

export type UserStore = ReturnType<typeof createUserStore>;
