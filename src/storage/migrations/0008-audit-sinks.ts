import type { Kysely } from 'kysely';

/**
 * Audit sinks (issue 13): where each sink has shipped the trail to. One row per sink name: the seq and chain hash
 * of the last event the receiver confirmed (or a sink filter skipped). It survives restarts, so a sink resumes
 * after it; it only moves forward.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_sink_cursors')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'char(64)', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_sink_cursors').execute();
}
