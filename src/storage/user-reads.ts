import type { Kysely } from 'kysely';
import { prepareLookup } from './prepared-query.js';
import type { Database } from './schema.js';
import { toUserRecord, type UserRecord, usernameKey } from './user-record.js';

export function createUserReads(db: Kysely<Database>) {
  const findRowById = prepareLookup(db, (id) => db.selectFrom('users').selectAll().where('id', '=', id));
  return {
    async findById(id: string): Promise<UserRecord | null> {
      const row = await findRowById(id);
      return row === undefined ? null : toUserRecord(row);
    },
    async findByUsername(username: string): Promise<UserRecord | null> {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username_key', '=', usernameKey(username))
        .executeTakeFirst();
      return row === undefined ? null : toUserRecord(row);
    },
    async existsByUsername(username: string): Promise<boolean> {
      const row = await db
        .selectFrom('users')
        .select('id')
        .where('username_key', '=', usernameKey(username))
        .executeTakeFirst();
      return row !== undefined;
    },
    /** Users in creation order, `limit` after the given id (keyset pagination). */
    async list(options: {
      after: { createdAt: number; id: string } | null;
      limit: number;
    }): Promise<UserRecord[]> {
      let query = db.selectFrom('users').selectAll();
      const after = options.after;
      if (after !== null) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '>', after.createdAt),
            eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
          ]),
        );
      }
      const rows = await query.orderBy('created_at').orderBy('id').limit(options.limit).execute();
      return rows.map(toUserRecord);
    },
    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
