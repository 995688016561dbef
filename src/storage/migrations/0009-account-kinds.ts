import type { Kysely } from 'kysely';

/**
 * Administrative account operations (issue 10):
 * - users.must_change_password: 1 after an administrator reset the password (the generated one-time password
 *   works for login, but the session may only change the password, read /v1/me and log out until it does);
 *   0 otherwise, and again after the user's own password change;
 * - users.kind: 'user' (a person, who logs in with a password) or 'service' (a machine account: no usable
 *   password, acts only through API keys an administrator mints for it).
 * Existing accounts are people whose password needs no change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('kind', 'varchar(16)', (c) => c.notNull().defaultTo('user'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('kind').execute();
  await db.schema.alterTable('users').dropColumn('must_change_password').execute();
}
