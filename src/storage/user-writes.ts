import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { type NewUserRecord, type UserAttributes, usernameKey } from './user-record.js';

export function createUserWrites(db: Kysely<Database>) {
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
