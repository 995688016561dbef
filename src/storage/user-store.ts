import type { Kysely, Selectable } from 'kysely';
import { decodeScalarRecord, decodeStringArray } from './json-column.js';
import { prepareLookup } from './prepared-query.js';
import type { Database } from './schema.js';

/** Non-secret claims about a user that policy conditions may compare (`$actor.attributes.<name>`). */
export type UserAttributes = Readonly<Record<string, string | number | boolean>>;

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  roles: string[];
  disabled: boolean;
  credentialVersion: number;
  createdAt: number;
  updatedAt: number;
  /** The application's id of the person this user is (`$actor.subject`); null when not set. */
  subject: string | null;
  attributes: UserAttributes;
}

/** A user to insert: subject and attributes may be left out (none). */
export type NewUserRecord = Omit<UserRecord, 'subject' | 'attributes'> &
  Partial<Pick<UserRecord, 'subject' | 'attributes'>>;

type UserRow = Selectable<Database['users']>;

export function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    roles: decodeStringArray('users.roles', row.roles),
    disabled: row.disabled === 1,
    credentialVersion: row.credential_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    subject: row.subject,
    attributes: decodeScalarRecord('users.attributes', row.attributes),
  };
}

/** Case-folded form used for uniqueness and lookups, so `Alice` and `alice` are one account. */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

export function createUserStore(db: Kysely<Database>) {
  const findRowById = prepareLookup(db, (id) => db.selectFrom('users').selectAll().where('id', '=', id));
  return {
    async insert(user: NewUserRecord): Promise<void> {
      await db
        .insertInto('users')
        .values({
          id: user.id,
          username: user.username,
          username_key: usernameKey(user.username),
          password_hash: user.passwordHash,
          roles: JSON.stringify(user.roles),
          disabled: user.disabled ? 1 : 0,
          credential_version: user.credentialVersion,
          created_at: user.createdAt,
          updated_at: user.updatedAt,
          subject: user.subject ?? null,
          attributes: JSON.stringify(user.attributes ?? {}),
        })
        .execute();
    },
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
    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /**
     * Sets a new password hash and bumps the credential version, only if the version is still `expectedVersion`
     * (the one the caller's password check read): of two racing changes, the later one fails. Returns the new
     * version, or null when the version had moved on.
     */
    async changePassword(
      id: string,
      passwordHash: string,
      now: number,
      expectedVersion: number,
    ): Promise<number | null> {
      const result = await db
        .updateTable('users')
        .set({ password_hash: passwordHash, credential_version: expectedVersion + 1, updated_at: now })
        .where('id', '=', id)
        .where('credential_version', '=', expectedVersion)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? expectedVersion + 1 : null;
    },
    /**
     * Replaces the hash of the *same* password with a stronger one (rehash at login), only if the stored hash is
     * still the one that was verified: a password change in the meantime must not be undone.
     */
    async rehashPassword(id: string, verifiedHash: string, newHash: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('users')
        .set({ password_hash: newHash, updated_at: now })
        .where('id', '=', id)
        .where('password_hash', '=', verifiedHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async update(
      id: string,
      changes: {
        roles?: string[];
        disabled?: boolean;
        subject?: string | null;
        attributes?: UserAttributes;
      },
      now: number,
    ): Promise<void> {
      await db
        .updateTable('users')
        .set({
          updated_at: now,
          ...(changes.roles === undefined ? {} : { roles: JSON.stringify(changes.roles) }),
          ...(changes.disabled === undefined ? {} : { disabled: changes.disabled ? 1 : 0 }),
          ...(changes.subject === undefined ? {} : { subject: changes.subject }),
          ...(changes.attributes === undefined ? {} : { attributes: JSON.stringify(changes.attributes) }),
        })
        .where('id', '=', id)
        .execute();
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
