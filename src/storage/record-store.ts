import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface RecordRow {
  id: string;
  collectionId: string;
  subjectHash: string | null;
  subjectSealed: string | null;
  keyId: string;
  keyVersion: number;
  /** JSON object of non-sensitive values. */
  plainFields: string;
  /** JSON object of `sr1:` ciphertexts. */
  sealedFields: string;
  revision: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  erasedAt: number | null;
}

export interface AttributeRow {
  field: string;
  value: string;
}

export interface BlindIndexRow {
  field: string;
  indexVersion: number;
  value: string;
}

export type RecordChange = Pick<
  RecordRow,
  'subjectSealed' | 'keyId' | 'keyVersion' | 'plainFields' | 'sealedFields' | 'updatedAt'
>;

export function toRecordRow(r: Database['records']): RecordRow {
  return {
    id: r.id,
    collectionId: r.collection_id,
    subjectHash: r.subject_hash,
    subjectSealed: r.subject_sealed,
    keyId: r.key_id,
    keyVersion: r.key_version,
    plainFields: r.plain_fields,
    sealedFields: r.sealed_fields,
    revision: r.revision,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    erasedAt: r.erased_at,
  };
}

/** Records with their filter attributes and blind indexes; the side tables are written with their record. */
export function createRecordStore(db: Kysely<Database>) {
  async function writeSideTables(
    record: Pick<RecordRow, 'id' | 'collectionId'>,
    attributes: AttributeRow[],
    indexes: BlindIndexRow[],
  ): Promise<void> {
    if (attributes.length > 0) {
      await db
        .insertInto('record_attributes')
        .values(
          attributes.map((a) => ({
            record_id: record.id,
            collection_id: record.collectionId,
            field: a.field,
            value: a.value,
          })),
        )
        .execute();
    }
    if (indexes.length > 0) {
      await db
        .insertInto('blind_indexes')
        .values(
          indexes.map((b) => ({
            record_id: record.id,
            collection_id: record.collectionId,
            field: b.field,
            index_version: b.indexVersion,
            value: b.value,
          })),
        )
        .execute();
    }
  }

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
      await writeSideTables(record, attributes, indexes);
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
    /** Replaces the attributes of `fields` and the blind indexes of `indexedFields` (all versions) for a record. */
    async replaceSideTables(
      record: Pick<RecordRow, 'id' | 'collectionId'>,
      change: {
        fields: string[];
        attributes: AttributeRow[];
        indexedFields: string[];
        indexes: BlindIndexRow[];
      },
    ): Promise<void> {
      if (change.fields.length > 0) {
        await db
          .deleteFrom('record_attributes')
          .where('record_id', '=', record.id)
          .where('field', 'in', change.fields)
          .execute();
      }
      if (change.indexedFields.length > 0) {
        await db
          .deleteFrom('blind_indexes')
          .where('record_id', '=', record.id)
          .where('field', 'in', change.indexedFields)
          .execute();
      }
      await writeSideTables(record, change.attributes, change.indexes);
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

export type RecordStore = ReturnType<typeof createRecordStore>;
