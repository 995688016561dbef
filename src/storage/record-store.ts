import type { Kysely } from 'kysely';
import {
  type AttributeRow,
  type BlindIndexRow,
  type RecordChange,
  type RecordRow,
  toRecordRow,
} from './record-row.js';
import { createRecordSideTables, writeSideTables } from './record-side-tables.js';
import type { Database } from './schema.js';

export type { AttributeRow, BlindIndexRow, RecordChange, RecordRow } from './record-row.js';
export { toRecordRow } from './record-row.js';

function createRecordRows(db: Kysely<Database>) {
  return {
    async insert(record: RecordRow, attributes: AttributeRow[], indexes: BlindIndexRow[]): Promise<void> {
      await db
        .insertInto('records')
        .values({
          id: record.id,
          collection_id: record.collectionId,
          subject_hash: record.subjectHash,
          subject_sealed: record.subjectSealed,
          key_id: record.keyId,
          key_version: record.keyVersion,
          plain_fields: record.plainFields,
          sealed_fields: record.sealedFields,
          revision: record.revision,
          created_by: record.createdBy,
          created_at: record.createdAt,
          updated_at: record.updatedAt,
          erased_at: record.erasedAt,
        })
        .execute();
      await writeSideTables(db, record, attributes, indexes);
    },
    async find(collectionId: string, id: string): Promise<RecordRow | null> {
      const row = await db
        .selectFrom('records')
        .selectAll()
        .where('id', '=', id)
        .where('collection_id', '=', collectionId)
        .executeTakeFirst();
      return row === undefined ? null : toRecordRow(row);
    },
    async findMany(collectionId: string, ids: readonly string[]): Promise<RecordRow[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('records')
        .selectAll()
        .where('collection_id', '=', collectionId)
        .where('id', 'in', ids)
        .orderBy('id')
        .execute();
      return rows.map(toRecordRow);
    },
    /**
     * Applies a change if the record is still at `revision` (optimistic concurrency: neither a concurrent request
     * nor the re-encryption job can overwrite a newer write); bumps the revision. False when it lost the race.
     */
    async update(id: string, revision: number, change: RecordChange): Promise<boolean> {
      const result = await db
        .updateTable('records')
        .set({
          subject_sealed: change.subjectSealed,
          key_id: change.keyId,
          key_version: change.keyVersion,
          plain_fields: change.plainFields,
          sealed_fields: change.sealedFields,
          updated_at: change.updatedAt,
          revision: revision + 1,
        })
        .where('id', '=', id)
        .where('revision', '=', revision)
        .where('erased_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Deletes a record with everything derived from it: attributes, indexes (cascade) and its tokens. */
    async delete(collectionId: string, id: string): Promise<boolean> {
      await db.deleteFrom('tokens').where('record_id', '=', id).execute();
      const result = await db
        .deleteFrom('records')
        .where('id', '=', id)
        .where('collection_id', '=', collectionId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}

/** Records with their filter attributes and blind indexes; the side tables are written with their record. */
export function createRecordStore(db: Kysely<Database>) {
  return { ...createRecordRows(db), ...createRecordSideTables(db) };
}

export type RecordStore = ReturnType<typeof createRecordStore>;
