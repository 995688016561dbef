import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
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

/** A window of the collection in id order: the rows of it that match, and how far it reached. */
export interface RecordWindow {
  rows: RecordRow[];
  /** Rows of the collection the window spanned (matching or not). */
  examined: number;
  /** The id the window ended at (null when nothing was left after `after`). */
  last: string | null;
}

type Records = ExpressionBuilder<Database, 'records'>;

/** Per-row probes of the side tables (correlated, so they cannot drive the query: see `window`). */
function probes(attributes: AttributeFilter[], indexes: IndexFilter[]) {
  return (eb: Records) =>
    eb.and([
      ...attributes.map((filter) =>
        eb.exists(
          eb
            .selectFrom('record_attributes as a')
            .select(sql`1`.as('one'))
            .whereRef('a.record_id', '=', 'records.id')
            .where('a.field', '=', filter.field)
            .where('a.value', '=', filter.value),
        ),
      ),
      ...indexes.map((filter) =>
        eb.exists(
          eb
            .selectFrom('blind_indexes as b')
            .select(sql`1`.as('one'))
            .whereRef('b.record_id', '=', 'records.id')
            .where('b.field', '=', filter.field)
            .where((inner) =>
              inner.or(
                filter.candidates.map((c) =>
                  inner.and([inner('b.index_version', '=', c.indexVersion), inner('b.value', '=', c.value)]),
                ),
              ),
            ),
        ),
      ),
    ]);
}

export interface ScanOptions {
  after: string | null;
  size: number;
  attributes: AttributeFilter[];
  indexes: IndexFilter[];
  visible: RecordCondition;
}

export function createRecordSearch(db: Kysely<Database>) {
  const search = {
    /**
     * The next `size` records of a collection after `after` (id order), and those of them that meet `visible` and
     * every filter. The window is chosen before any filter is looked at and the filters are probed row by row, so
     * the work depends on the window and on what is visible, never on how many records a filter matches that
     * `visible` excludes (the query that lets the filter drive, `list`, would grow with them).
     */
    async window(collectionId: string, options: ScanOptions): Promise<RecordWindow> {
      let span = db.selectFrom('records').select('id').where('collection_id', '=', collectionId);
      if (options.after !== null) span = span.where('id', '>', options.after);
      const ids = await span.orderBy('id').limit(options.size).execute();
      const last = ids[ids.length - 1]?.id ?? null;
      if (last === null || options.visible.kind === 'never') return { rows: [], examined: ids.length, last };
      let query = db
        .selectFrom('records')
        .selectAll()
        .where('collection_id', '=', collectionId)
        .where('id', '<=', last)
        .where('erased_at', 'is', null);
      if (options.after !== null) query = query.where('id', '>', options.after);
      if (options.visible.kind !== 'always') query = query.where(recordConditionSql(db, options.visible));
      if (options.attributes.length + options.indexes.length > 0)
        query = query.where(probes(options.attributes, options.indexes));
      const rows = await query.orderBy('id').execute();
      return { rows: rows.map(toRecordRow), examined: ids.length, last };
    },

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

    /**
     * What a page reads next: with nothing hidden (`visible` is `always`) the filters drive the query (`list`, up
     * to `size` matches); otherwise a `window` of `size` records, so the work never depends on hidden matches;
     * with `never`, nothing (and no query).
     */
    async scan(collectionId: string, options: ScanOptions & { windowed: boolean }): Promise<RecordWindow> {
      if (options.visible.kind === 'never') return { rows: [], examined: 0, last: null };
      if (options.windowed || options.visible.kind !== 'always') return search.window(collectionId, options);
      const rows = await search.list(collectionId, { ...options, limit: options.size });
      return { rows, examined: rows.length, last: rows[rows.length - 1]?.id ?? null };
    },
  };
  return search;
}
