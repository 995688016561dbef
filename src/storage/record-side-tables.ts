import type { Kysely } from 'kysely';
import type { AttributeRow, BlindIndexRow, RecordRow } from './record-row.js';
import type { Database } from './schema.js';

type RecordKey = Pick<RecordRow, 'id' | 'collectionId'>;

export async function writeSideTables(
  db: Kysely<Database>,
  record: RecordKey,
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

export function createRecordSideTables(db: Kysely<Database>) {
  return {
    /** Replaces the attributes of `fields` and the blind indexes of `indexedFields` (all versions) for a record. */
    async replaceSideTables(
      record: RecordKey,
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
      await writeSideTables(db, record, change.attributes, change.indexes);
    },
  };
}
