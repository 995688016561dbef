import { type Kysely, sql } from 'kysely';

/**
 * The tamper-evident audit trail (issue 4). No column holds a field value, password, token or key in clear:
 * - audit_events: one row per event, hash-chained (`prev_hash` → `hash`, see src/audit/hash-chain.ts); `resource` is
 *   the canonical JSON the hash covers, `collection`/`record_id`/`occurred_at` are copies for filtering only;
 * - audit_chain_head: one row (id 1) with the newest seq and hash, locked by every append so appends are serialized
 *   (PostgreSQL: `FOR UPDATE` in the appending transaction; SQLite: transactions are serialized already), and the
 *   pruning anchor: the seq and hash of the last event removed by retention (0 and GENESIS before any pruning);
 * - audit_checkpoints: signed chain heads (Ed25519, src/audit/checkpoint.ts);
 * - audit_signing_keys: the checkpoint signing key, PKCS#8 sealed with the root key (AAD binds the kid).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('time', 'varchar(40)', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'varchar(512)')
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('collection', 'varchar(512)')
    .addColumn('record_id', 'varchar(512)')
    .addColumn('purpose', 'varchar(512)')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(512)')
    .addColumn('client_address', 'varchar(512)')
    .addColumn('prev_hash', 'char(64)', (c) => c.notNull())
    .addColumn('hash', 'char(64)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_events_time_idx')
    .on('audit_events')
    .columns(['occurred_at', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_events_actor_idx')
    .on('audit_events')
    .columns(['actor', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_events_action_idx')
    .on('audit_events')
    .columns(['action', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_events_resource_idx')
    .on('audit_events')
    .columns(['collection', 'record_id', 'seq'])
    .execute();

  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'char(64)', (c) => c.notNull())
    .addColumn('anchor_seq', 'bigint', (c) => c.notNull())
    .addColumn('anchor_hash', 'char(64)', (c) => c.notNull())
    .execute();
  const genesis = '0'.repeat(64);
  await sql`insert into audit_chain_head (id, seq, hash, anchor_seq, anchor_hash) values (1, 0, ${genesis}, 0, ${genesis})`.execute(
    db,
  );

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('hash', 'char(64)', (c) => c.notNull())
    .addColumn('time', 'varchar(40)', (c) => c.notNull())
    .addColumn('kid', 'varchar(64)', (c) => c.notNull())
    .addColumn('signature', 'varchar(128)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_signing_keys')
    .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_signing_keys', 'audit_checkpoints', 'audit_chain_head', 'audit_events']) {
    await db.schema.dropTable(table).execute();
  }
}
