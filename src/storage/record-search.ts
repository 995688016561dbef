import type { Kysely } from 'kysely';
import { type RecordCondition, recordConditionSql } from './record-condition.js';
import { type RecordRow, toRecordRow } from './record-row.js';
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

export function createRecordSearch(db: Kysely<Database>) {
  return {
    /**
     * Live records of a collection after `after` (id order) that match every filter and `visible` (the caller's
     * row conditions: a record it may not see is never fetched).
     */
    async list(
      collectionId: string,
      options: {
        after: string | null;
        limit: number;
        attributes: AttributeFilter[];
        indexes: IndexFilter[];
        visible: RecordCondition;
      },
    ): Promise<RecordRow[]> {
      if (options.visible.kind === 'never') return [];
      let query = db
        .selectFrom('records')
        .selectAll()
        .where('collection_id', '=', collectionId)
        .where('erased_at', 'is', null);
      if (options.visible.kind !== 'always') query = query.where(recordConditionSql(db, options.visible));
      if (options.after !== null) query = query.where('id', '>', options.after);
      const idsWithField = (table: 'record_attributes' | 'blind_indexes', field: string) =>
        db
          .selectFrom(table)
          .select('record_id')
          .where('collection_id', '=', collectionId)
          .where('field', '=', field);
      for (const filter of options.attributes) {
        query = query.where(
          'id',
          'in',
          idsWithField('record_attributes', filter.field).where('value', '=', filter.value),
        );
      }
      for (const filter of options.indexes) {
        query = query.where(
          'id',
          'in',
          idsWithField('blind_indexes', filter.field).where((inner) =>
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
  };
}
