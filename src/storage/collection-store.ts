import { type Kysely, sql } from 'kysely';
import type { DatabaseKind } from './database.js';
import type { Database } from './schema.js';

export interface CollectionRow {
  id: string;
  name: string;
  /** JSON array of field definitions (vault/collection-schema.ts). */
  fields: string;
  keyId: string;
  indexKeyId: string;
  createdBy: string | null;
  createdAt: number;
}

function toRow(r: Database['collections']): CollectionRow {
  return {
    id: r.id,
    name: r.name,
    fields: r.fields,
    keyId: r.key_id,
    indexKeyId: r.index_key_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/** The advisory lock key that serializes collection creation and changes on PostgreSQL ("srcoll" in ASCII). */
const CREATE_LOCK = 0x7372636f6c6c;

export function createCollectionStore(db: Kysely<Database>, kind: DatabaseKind) {
  return {
    /**
     * Until the transaction ends, no other transaction creates a collection, so a count taken now holds at commit
     * (READ COMMITTED would let racing creators each count without the other). SQLite serializes writers already.
     */
    async lockForCreate(): Promise<void> {
      if (kind === 'postgres') await sql`select pg_advisory_xact_lock(${CREATE_LOCK})`.execute(db);
    },
    /**
     * Until the transaction ends, no collection is created, changed or dropped (they take the lock above, which
     * excludes this one); shared, so holders do not wait for one another. A tokenization reading a record holds
     * it: tokens have no foreign key to their collection, so a drop must either see the token committed or start
     * after it and find the record gone. SQLite serializes writers already.
     */
    async holdAgainstChanges(): Promise<void> {
      if (kind === 'postgres') await sql`select pg_advisory_xact_lock_shared(${CREATE_LOCK})`.execute(db);
    },
    /** Inserts a collection; false when the name is taken. */
    async insert(c: CollectionRow): Promise<boolean> {
      const result = await db
        .insertInto('collections')
        .values({
          id: c.id,
          name: c.name,
          fields: c.fields,
          key_id: c.keyId,
          index_key_id: c.indexKeyId,
          created_by: c.createdBy,
          created_at: c.createdAt,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async findByName(name: string): Promise<CollectionRow | null> {
      const row = await db.selectFrom('collections').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? null : toRow(row);
    },
    async findByKeyId(keyId: string): Promise<CollectionRow | null> {
      const row = await db
        .selectFrom('collections')
        .selectAll()
        .where((eb) => eb.or([eb('key_id', '=', keyId), eb('index_key_id', '=', keyId)]))
        .executeTakeFirst();
      return row === undefined ? null : toRow(row);
    },
    async findById(id: string): Promise<CollectionRow | null> {
      const row = await db.selectFrom('collections').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toRow(row);
    },
    /** Replaces the field definitions of collection `id` (a field added); false when it is gone. */
    async updateFields(id: string, fields: string): Promise<boolean> {
      const result = await db
        .updateTable('collections')
        .set({ fields })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /**
     * Deletes collection `id` with everything stored of it: tokens of its records, blind indexes, attributes,
     * records, then the collection row. Returns how many records went. Its data keys are the caller's to destroy.
     */
    async dropWithData(id: string): Promise<number> {
      await db.deleteFrom('tokens').where('collection_id', '=', id).execute();
      await db.deleteFrom('blind_indexes').where('collection_id', '=', id).execute();
      await db.deleteFrom('record_attributes').where('collection_id', '=', id).execute();
      const records = await db.deleteFrom('records').where('collection_id', '=', id).executeTakeFirst();
      await db.deleteFrom('collections').where('id', '=', id).execute();
      return Number(records.numDeletedRows);
    },
    async list(): Promise<CollectionRow[]> {
      const rows = await db.selectFrom('collections').selectAll().orderBy('name').execute();
      return rows.map(toRow);
    },
  };
}

export type CollectionStore = ReturnType<typeof createCollectionStore>;
