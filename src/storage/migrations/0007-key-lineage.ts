import { type Kysely, sql } from 'kysely';

/**
 * Key lineage (issue 13):
 * - root_derivations: keys derived from an earlier root key that must outlive it (the HMAC keys of subject ids and
 *   audit identifiers), each sealed with the current root key; written by `strongroom operator migrate` when the
 *   root key changes, empty otherwise (the keys are then derived from the root key itself);
 * - data_keys.scheme: the rules a data key version was made under. 1 (every version before this migration): a token
 *   key is used as it is, both as the AES key of token values and as the HKDF input of the token HMAC keys; emails
 *   are blind-indexed as written. 2: a token key version only feeds HKDF, with one label for the sealing key and
 *   one per HMAC key; emails are blind-indexed case-insensitively.
 * - record_attributes of non-sensitive email fields: lower-cased, as writes now store them (emails compare without
 *   case; the records keep them as written). Addresses are ASCII, so SQL lower() is exact on both databases.
 *   Searchable sensitive emails need the index key: key-jobs/email-reindex.ts rebuilds them once unsealed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('root_derivations')
    .addColumn('label', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('data_keys')
    .addColumn('scheme', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await lowerEmailAttributes(db);
}

/** Lower-cases the filter attributes of every non-sensitive email field (see the header); idempotent. */
export async function lowerEmailAttributes(db: Kysely<unknown>): Promise<void> {
  const collections = await sql<{ id: string; fields: string }>`select id, fields from collections`.execute(
    db,
  );
  for (const collection of collections.rows) {
    const fields = JSON.parse(collection.fields) as Array<{
      name: string;
      type: string;
      sensitive?: boolean;
    }>;
    for (const field of fields) {
      if (field.type !== 'email' || field.sensitive === true) continue;
      await sql`update record_attributes set value = lower(value) where collection_id = ${collection.id} and field = ${field.name}`.execute(
        db,
      );
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('data_keys').dropColumn('scheme').execute();
  await db.schema.dropTable('root_derivations').execute();
}
