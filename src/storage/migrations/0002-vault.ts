import type { Kysely } from 'kysely';

/**
 * Encrypted records (issue 3). No column here ever holds a plaintext sensitive value or an unwrapped key:
 * - master_keys: master key versions, each sealed with the root key (the key from the configured source);
 * - data_keys: data keys per id and version, each wrapped by one master key version; `wrapped` is emptied when a
 *   version is retired or destroyed, so the row stays as a tombstone and the key material is gone;
 * - records: non-sensitive values as JSON (`plain_fields`), sensitive ones as `sr1:` ciphertexts (`sealed_fields`),
 *   all under one data key version (`key_id`, `key_version`); `subject_hash` is a keyed HMAC of the subject id;
 * - record_attributes / blind_indexes: filter and search side tables, dropped with their record;
 * - tokens: values behind tokens, encrypted; key_jobs: rotation progress, committed with each batch.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('master_keys')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('wrapped', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();

  await db.schema
    .createTable('data_keys')
    .addColumn('key_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('wrapped', 'text', (c) => c.notNull())
    .addColumn('master_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('destroyed_at', 'bigint')
    .addPrimaryKeyConstraint('data_keys_pk', ['key_id', 'version'])
    .execute();
  await db.schema.createIndex('data_keys_master_idx').on('data_keys').column('master_version').execute();

  await db.schema
    .createTable('collections')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('key_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('index_key_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('subjects')
    .addColumn('subject_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('key_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('erased_at', 'bigint')
    .addColumn('erased_by', 'varchar(36)')
    .execute();

  await db.schema
    .createTable('records')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('collection_id', 'varchar(36)', (c) =>
      c.notNull().references('collections.id').onDelete('cascade'),
    )
    .addColumn('subject_hash', 'varchar(64)')
    .addColumn('subject_sealed', 'text')
    .addColumn('key_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('plain_fields', 'text', (c) => c.notNull())
    .addColumn('sealed_fields', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('erased_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('records_collection_idx')
    .on('records')
    .columns(['collection_id', 'id'])
    .execute();
  // Rotation walks a key's records in id order from its cursor and skips those already on the new version: an
  // index on (key_id, id) makes each batch cost its own size, whereas (key_id, key_version, …) would make the
  // database gather and sort every old-version record again for every batch.
  await db.schema.createIndex('records_key_idx').on('records').columns(['key_id', 'id']).execute();
  await db.schema.createIndex('records_subject_idx').on('records').column('subject_hash').execute();

  await db.schema
    .createTable('record_attributes')
    .addColumn('record_id', 'varchar(36)', (c) => c.notNull().references('records.id').onDelete('cascade'))
    .addColumn('collection_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('field', 'varchar(64)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('record_attributes_pk', ['record_id', 'field'])
    .execute();
  await db.schema
    .createIndex('record_attributes_lookup_idx')
    .on('record_attributes')
    .columns(['collection_id', 'field', 'value'])
    .execute();

  await db.schema
    .createTable('blind_indexes')
    .addColumn('record_id', 'varchar(36)', (c) => c.notNull().references('records.id').onDelete('cascade'))
    .addColumn('collection_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('field', 'varchar(64)', (c) => c.notNull())
    .addColumn('index_version', 'integer', (c) => c.notNull())
    .addColumn('value', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('blind_indexes_pk', ['record_id', 'field', 'index_version'])
    .execute();
  await db.schema
    .createIndex('blind_indexes_lookup_idx')
    .on('blind_indexes')
    .columns(['collection_id', 'field', 'index_version', 'value'])
    .execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    .addColumn('key_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('sealed_value', 'text', (c) => c.notNull())
    .addColumn('subject_hash', 'varchar(64)')
    .addColumn('collection_id', 'varchar(36)')
    .addColumn('record_id', 'varchar(36)')
    .addColumn('field', 'varchar(64)')
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tokens_hash_idx').on('tokens').column('token_hash').execute();
  await db.schema.createIndex('tokens_subject_idx').on('tokens').column('subject_hash').execute();
  await db.schema.createIndex('tokens_key_idx').on('tokens').columns(['key_id', 'key_version']).execute();

  await db.schema
    .createTable('key_jobs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('key_id', 'varchar(64)')
    .addColumn('from_version', 'integer', (c) => c.notNull())
    .addColumn('to_version', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('cursor', 'varchar(64)')
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull())
    .addColumn('lease_owner', 'varchar(36)')
    .addColumn('lease_until', 'bigint')
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('error', 'varchar(200)')
    .execute();
  await db.schema.createIndex('key_jobs_status_idx').on('key_jobs').column('status').execute();

  await db.schema
    .createTable('erasures')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('subject_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('erased_at', 'bigint', (c) => c.notNull())
    .addColumn('erased_by', 'varchar(36)')
    .addColumn('records', 'integer', (c) => c.notNull())
    .addColumn('tokens', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'erasures',
    'key_jobs',
    'tokens',
    'blind_indexes',
    'record_attributes',
    'records',
    'subjects',
    'collections',
    'data_keys',
    'master_keys',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
