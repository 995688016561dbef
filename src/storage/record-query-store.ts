import type { Kysely } from 'kysely';
import { type RecordRow, toRecordRow } from './record-store.js';
import type { Database } from './schema.js';

/** Equality on a non-sensitive field: canonical JSON of the normalized value. */
export interface AttributeFilter {
  field: string;
  value: string;
}

/** Equality on a searchable sensitive field: any of its blind index values, one per live index version. */
export interface IndexFilter {
  field: string;
  candidates: Array<{ indexVersion: number; value: string }>;
}

/** Read-side queries over records: listing, filtering, blind index search, and the scans key jobs make. */
export function createRecordQueryStore(db: Kysely<Database>) {
  return {
    /** Live records of a collection after `after` (id order) that match every filter. */
    async list(
      collectionId: string,
      options: { after: string | null; limit: number; attributes: AttributeFilter[]; indexes: IndexFilter[] },
    ): Promise<RecordRow[]> {
      let query = db
        .selectFrom('records')
        .selectAll()
        .where('collection_id', '=', collectionId)
        .where('erased_at', 'is', null);
      if (options.after !== null) query = query.where('id', '>', options.after);
      for (const filter of options.attributes) {
        query = query.where('id', 'in', (eb) =>
          eb
            .selectFrom('record_attributes')
            .select('record_id')
            .where('collection_id', '=', collectionId)
            .where('field', '=', filter.field)
            .where('value', '=', filter.value),
        );
      }
      for (const filter of options.indexes) {
        query = query.where('id', 'in', (eb) =>
          eb
            .selectFrom('blind_indexes')
            .select('record_id')
            .where('collection_id', '=', collectionId)
            .where('field', '=', filter.field)
            .where((inner) =>
              inner.or(
                filter.candidates.map((c) =>
                  inner.and([inner('index_version', '=', c.indexVersion), inner('value', '=', c.value)]),
                ),
              ),
            ),
        );
      }
      const rows = await query.orderBy('id').limit(options.limit).execute();
      return rows.map(toRecordRow);
    },
    /** Live records encrypted under `keyId` at a version below `belowVersion`, after `after`, in id order. */
    async listUnderOldKey(
      keyId: string,
      belowVersion: number,
      after: string,
      limit: number,
    ): Promise<RecordRow[]> {
      const rows = await db
        .selectFrom('records')
        .selectAll()
        .where('key_id', '=', keyId)
        .where('key_version', '<', belowVersion)
        .where('erased_at', 'is', null)
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRecordRow);
    },
    async countUnderOldKey(keyId: string, belowVersion: number): Promise<number> {
      const row = await db
        .selectFrom('records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('key_id', '=', keyId)
        .where('key_version', '<', belowVersion)
        .where('erased_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Live records of a collection that still have a blind index below `belowVersion`, after `after`. */
    async listWithOldIndex(
      collectionId: string,
      belowVersion: number,
      after: string,
      limit: number,
    ): Promise<RecordRow[]> {
      const rows = await db
        .selectFrom('records')
        .selectAll()
        .where('collection_id', '=', collectionId)
        .where('erased_at', 'is', null)
        .where('id', '>', after)
        // Correlated, so each batch walks the collection from its cursor (an IN list would be rebuilt from every
        // old index row for every batch).
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('blind_indexes')
              .select('blind_indexes.record_id')
              .whereRef('blind_indexes.record_id', '=', 'records.id')
              .where('blind_indexes.index_version', '<', belowVersion),
          ),
        )
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRecordRow);
    },
    async countWithOldIndex(collectionId: string, belowVersion: number): Promise<number> {
      const row = await db
        .selectFrom('blind_indexes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('collection_id', '=', collectionId)
        .where('index_version', '<', belowVersion)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Records of a collection that still have a blind index row below `belowVersion` (a rotation's progress). */
    async countRecordsWithOldIndex(collectionId: string, belowVersion: number): Promise<number> {
      const row = await db
        .selectFrom('blind_indexes')
        .select((eb) => eb.fn.count<number>('record_id').distinct().as('n'))
        .where('collection_id', '=', collectionId)
        .where('index_version', '<', belowVersion)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Ids of the live records of a subject. */
    async idsOfSubject(subjectHash: string): Promise<string[]> {
      const rows = await db
        .selectFrom('records')
        .select('id')
        .where('subject_hash', '=', subjectHash)
        .where('erased_at', 'is', null)
        .execute();
      return rows.map((r) => r.id);
    },
    /**
     * Erases a subject's records in place: values, attributes and indexes go; the row stays as a tombstone so
     * the application learns (410) that the record was erased rather than never existed.
     */
    async eraseSubject(subjectHash: string, now: number): Promise<number> {
      const ids = await this.idsOfSubject(subjectHash);
      const result = await db
        .updateTable('records')
        .set({
          plain_fields: '{}',
          sealed_fields: '{}',
          subject_sealed: null,
          erased_at: now,
          updated_at: now,
        })
        .where('subject_hash', '=', subjectHash)
        .where('erased_at', 'is', null)
        .executeTakeFirst();
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        await db.deleteFrom('record_attributes').where('record_id', 'in', chunk).execute();
        await db.deleteFrom('blind_indexes').where('record_id', 'in', chunk).execute();
      }
      return Number(result.numUpdatedRows);
    },
  };
}

export type RecordQueryStore = ReturnType<typeof createRecordQueryStore>;
