import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { type NewUserRecord, type StoredSubject, type UserAttributes, usernameKey } from './user-record.js';

/** Password hashes: changes (by the user or an administrator's reset) and rehashes at login. */
function createPasswordWrites(db: Kysely<Database>) {
  return {
    /**
     * Sets a new password hash and bumps the credential version, only if the version is still `expectedVersion`
     * (the one the caller's password check read): of two racing changes, the later one fails. Returns the new
     * version, or null when the version had moved on. `mustChange` (an administrator's reset) makes the new
     * password a one-time one: sessions started with it may only change it.
     */
    async changePassword(
      id: string,
      passwordHash: string,
      now: number,
      expectedVersion: number,
      mustChange = false,
    ): Promise<number | null> {
      const result = await db
        .updateTable('users')
        .set({
          password_hash: passwordHash,
          credential_version: expectedVersion + 1,
          updated_at: now,
          // A password of the user's own clears an administrator's reset; a reset sets it.
          must_change_password: mustChange ? 1 : 0,
        })
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
  };
}

export function createUserWrites(db: Kysely<Database>) {
  return {
    ...createPasswordWrites(db),
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
          subject_hash: user.subject?.hash ?? null,
          subject_sealed: user.subject?.sealed ?? null,
          attributes: JSON.stringify(user.attributes ?? {}),
          must_change_password: user.mustChangePassword === true ? 1 : 0,
          kind: user.service === true ? 'service' : 'user',
        })
        .execute();
    },
    async update(
      id: string,
      changes: {
        roles?: string[];
        disabled?: boolean;
        subject?: StoredSubject | null;
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
          ...(changes.subject === undefined
            ? {}
            : {
                subject_hash: changes.subject?.hash ?? null,
                subject_sealed: changes.subject?.sealed ?? null,
              }),
          ...(changes.attributes === undefined ? {} : { attributes: JSON.stringify(changes.attributes) }),
        })
        .where('id', '=', id)
        .execute();
    },
    /** Unlinks every user from the subject `subjectHash` (erasure): hash and sealed copy go. Returns how many. */
    async clearSubject(subjectHash: string, now: number): Promise<number> {
      const result = await db
        .updateTable('users')
        .set({ subject_hash: null, subject_sealed: null, updated_at: now })
        .where('subject_hash', '=', subjectHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    /** Users whose subject id is still in the clear column of before migration 0006 (a batch of them). */
    async listClearSubjects(limit: number): Promise<Array<{ id: string; subject: string }>> {
      const rows = await db
        .selectFrom('users')
        .select(['id', 'subject'])
        .where('subject', 'is not', null)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.flatMap((r) => (r.subject === null ? [] : [{ id: r.id, subject: r.subject }]));
    },
    /**
     * Replaces user `id`'s clear subject `clear` by its stored form (null: none, the subject was erased) and sets
     * the clear column to NULL; only while the column still holds `clear`. True when this call converted it.
     */
    async replaceClearSubject(id: string, clear: string, stored: StoredSubject | null): Promise<boolean> {
      const result = await db
        .updateTable('users')
        .set({ subject: null, subject_hash: stored?.hash ?? null, subject_sealed: stored?.sealed ?? null })
        .where('id', '=', id)
        .where('subject', '=', clear)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
