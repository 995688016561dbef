import type { Kysely } from 'kysely';

/**
 * Audit sink leases (issue 12): with several nodes on one database, one node at a time ships each sink. One row
 * per sink name: the holder (a random id per process) and until when it holds (epoch milliseconds). A holder
 * renews before each batch; another node takes the row over only once `lease_until` has passed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_sink_leases')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('holder', 'varchar(64)', (c) => c.notNull())
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_sink_leases').execute();
}
