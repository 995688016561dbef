import type { Kysely } from 'kysely';

/**
 * Audit events say why and at what level (issue 13): `reason` (canonical JSON of the refusal's reason code, and
 * for a policy rule its role, index and policy version), `release` (canonical JSON of each field's level: plain,
 * masked, redacted, withheld) and `subject` (the `hmac:` form of the data subject the event concerns, indexed so
 * every event of one subject can be found). All three are null for events written before, whose hashes do not
 * cover them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('reason', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('release', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('subject', 'varchar(80)').execute();
  await db.schema
    .createIndex('audit_events_subject_idx')
    .on('audit_events')
    .columns(['subject', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_events_subject_idx').execute();
  await db.schema.alterTable('audit_events').dropColumn('subject').execute();
  await db.schema.alterTable('audit_events').dropColumn('release').execute();
  await db.schema.alterTable('audit_events').dropColumn('reason').execute();
}
