import type { Kysely } from 'kysely';

/**
 * Access policies (issue 4):
 * - policies: every version of the policy document ever in force, append-only; the highest version is current.
 *   `source` says where it came from ('default' built in, 'file' loaded at start, 'api' PUT by an admin);
 * - users.subject: the application's id of the person this user is (compared by `$actor.subject` conditions);
 * - users.attributes: JSON object of non-secret scalar claims (`$actor.attributes.<name>`), '{}' when none;
 * - api_keys.roles: JSON array restricting the key to a subset of its user's roles at use time; NULL = all of them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policies')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('users').addColumn('subject', 'varchar(256)').execute();
  await db.schema
    .alterTable('users')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.alterTable('api_keys').addColumn('roles', 'text').execute();
}
