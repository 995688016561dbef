import type { Kysely } from 'kysely';
import { type RecordRow, toRecordRow } from './record-row.js';
import type { Database } from './schema.js';

/** The scans key rotation jobs make: records still under an old data key or with an old blind index. */
export function createRecordRotationScans(db: Kysely<Database>) {
  const liveUnderOldKey = (keyId: string, belowVersion: number) =>
    db
      .selectFrom('records')
      .where('key_id', '=', keyId)
      .where('key_version', '<', belowVersion)
      .where('erased_at', 'is', null);
  const oldIndexRows = (collectionId: string, belowVersion: number) =>
    db
      .selectFrom('blind_indexes')
      .where('collection_id', '=', collectionId)
      .where('index_version', '<', belowVersion);
  return {
    /** Live records encrypted under `keyId` at a version below `belowVersion`, after `after`, in id order. */
    async listUnderOldKey(
      keyId: string,
      belowVersion: number,
      after: string,
      limit: number,
    ): Promise<RecordRow[]> {
      const rows = await liveUnderOldKey(keyId, belowVersion)
        .selectAll()
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRecordRow);
    },
    async countUnderOldKey(keyId: string, belowVersion: number): Promise<number> {
      const row = await liveUnderOldKey(keyId, belowVersion)
        .select((eb) => eb.fn.countAll<number>().as('n'))
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
      const row = await oldIndexRows(collectionId, belowVersion)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Records of a collection that still have a blind index row below `belowVersion` (a rotation's progress). */
    async countRecordsWithOldIndex(collectionId: string, belowVersion: number): Promise<number> {
      const row = await oldIndexRows(collectionId, belowVersion)
        .select((eb) => eb.fn.count<number>('record_id').distinct().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
