import type { Kysely } from 'kysely';

/**
 * A user's subject id is no longer stored in clear (issue 13, finding 7):
 * - users.subject_hash: the keyed HMAC of the subject id, the same `subject-id/v1` HMAC (base64url) as
 *   subjects.subject_hash and records.subject_hash; what policy conditions compare and erasure finds users by;
 * - users.subject_sealed: the subject id encrypted under the subject's own data key (field ciphertext, AAD bound
 *   to the user), so that erasing the subject, which destroys that key, leaves it unreadable;
 * - users.subject: the clear column of 0004, kept only until existing values are converted. Converting needs the
 *   root key, which a migration does not have (a sealed keyring is unsealed after start), so the conversion runs
 *   when the root key arrives (services/users/legacy-subjects.ts): it hashes and seals each value and sets the
 *   clear column to NULL (SQLite runs with `secure_delete`, and the WAL is checkpointed afterwards). No code
 *   writes the column any more.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('subject_hash', 'varchar(64)').execute();
  await db.schema.alterTable('users').addColumn('subject_sealed', 'text').execute();
  await db.schema.createIndex('users_subject_hash_idx').on('users').column('subject_hash').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_subject_hash_idx').execute();
  await db.schema.alterTable('users').dropColumn('subject_sealed').execute();
  await db.schema.alterTable('users').dropColumn('subject_hash').execute();
}
