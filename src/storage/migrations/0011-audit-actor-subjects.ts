import type { Kysely } from 'kysely';

/**
 * Audit events name the acting person too (issue 13): `actor_subject` is the `hmac:` form of the acting user's
 * subject id (the form of `subject`), indexed with seq so the subject search finds a person's own logins,
 * password changes and reads as fast as the events about them. Null for events written before and for actors
 * without a subject id; the hashes of those events do not cover it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('actor_subject', 'varchar(80)').execute();
  await db.schema
    .createIndex('audit_events_actor_subject_idx')
    .on('audit_events')
    .columns(['actor_subject', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_events_actor_subject_idx').execute();
  await db.schema.alterTable('audit_events').dropColumn('actor_subject').execute();
}
