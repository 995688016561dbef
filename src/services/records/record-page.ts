/**
 * Pages of visible records. The query itself keeps only records the caller may see and use as the request does
 * (record-visibility.ts: the policy's row conditions in the WHERE clause), so rows hidden from the caller are
 * never fetched; and when anything may be hidden, storage reads the collection in windows of WINDOW records
 * whose filters are probed row by row (storage/record-search.ts `window`), so not even the database's work
 * depends on how many hidden records a filter or search matches. The rows that come back are still decided here
 * (defence in depth, and the query's own test such as a search's confirmation), kept until one more than
 * `limit` are found, the records run out, or MAX_SCANNED (MAX_WINDOWED in windows) were examined (bounded work
 * per request).
 * Invariants: pages are filled with visible records only; the cursor exists exactly when a further visible record
 * does (it points after the last record returned), or when the scan cap was reached (then always, whatever was
 * found): neither an empty page with a cursor nor the cursor itself reveals a record the caller cannot see; a
 * page neither skips nor repeats a visible record (id order, strictly after the cursor); every returned record is
 * audited before the page is returned; the cost of a page depends on the collection's size and on what the
 * caller may see, never on how many hidden records its filter or search matches (services/hidden-existence.ts).
 * Not addressed: a policy whose row conditions are too large for one query (record-visibility.ts MAX_TESTS) is
 * decided here instead, over windows of at most BOUNDED_SCANNED records in all, one decision per record whether
 * it matched or not; the rows a filter matches in the window are then read from storage, hidden or not.
 */
import type { Decision } from '../../policy/index.js';
import type { RecordCondition, RecordRow, RecordWindow } from '../../storage/index.js';
import type { AuditAction } from '../audit/index.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import type { PageCursor } from './page-cursor.js';
import type { ReadAudit } from './read-audit.js';
import { MAX_PAGE, type ReadOptions, type RecordPage, type RecordView } from './read-model.js';
import type { RecordAccess } from './record-access.js';
import { factsOf, type RecordFacts } from './record-facts.js';
import type { RecordViewer } from './record-view.js';
import { type FieldUses, visibleWhere } from './record-visibility.js';

/** Rows examined for one page at most when the filters drive the query: beyond, the page ends early with a cursor. */
const MAX_SCANNED = 2000;
/** Records one read spans when something may be hidden from the caller. */
const WINDOW = MAX_PAGE;
/**
 * Records a page examines at most in windows: the database tests them (a few microseconds each, no policy
 * decision in the service), so a selective filter can cover more of the collection per page than MAX_SCANNED.
 */
const MAX_WINDOWED = 25 * WINDOW;
/** Rows examined by a page whose row conditions could not go into the query (each decided here). */
const BOUNDED_SCANNED = 2 * WINDOW;
const DECOY: RecordFacts = Object.freeze({ createdBy: '', subjectHash: null, plain: Object.freeze({}) });

export interface PageQuery extends ReadOptions {
  cursor?: string;
  limit: number;
}

/** What a list or search asks storage for, and how it tests a visible row. */
export interface PageSource {
  /**
   * The candidate rows after the record id `after` (from the start when null) that meet `visible`: up to `size`
   * of them, or (`windowed`) those among the next `size` records (storage/record-search.ts `scan`).
   */
  fetch(
    after: string | null,
    size: number,
    visible: RecordCondition,
    windowed: boolean,
  ): Promise<RecordWindow>;
  /** The query's own test of a visible row (filters, search confirmation). */
  keep(row: RecordRow, facts: RecordFacts): Promise<boolean>;
  /** The fields the query filters or searches on (what the policy must also allow). */
  uses: FieldUses;
  /** The field names the audit event of an empty page names. */
  searched: string[];
}

type Visible = { row: RecordRow; facts: RecordFacts; decisions: Map<string, Decision> };

export function createRecordPager(deps: {
  access: RecordAccess;
  view: RecordViewer;
  auditRead: ReadAudit;
  cursor: PageCursor;
}) {
  /** Up to `limit` + 1 visible, accepted rows after `after`, and where the scan stopped. */
  async function scan(caller: Caller, collection: Collection, query: PageQuery, source: PageSource) {
    let after = deps.cursor.decode(collection, query.cursor, 'cursor');
    const where = visibleWhere(deps.access, caller, collection, source.uses);
    // Something may be hidden: read windows of the collection, never the rows a filter alone selects.
    const windowed = where === null || where.kind !== 'always';
    const cap = where === null ? BOUNDED_SCANNED : windowed ? MAX_WINDOWED : MAX_SCANNED;
    const visible: Visible[] = [];
    let scanned = 0;
    let exhausted = false;
    while (visible.length <= query.limit && !exhausted && scanned < cap) {
      const size = windowed ? Math.min(WINDOW, cap) : Math.min(query.limit * 2, MAX_PAGE);
      const window = await source.fetch(after, size, where ?? { kind: 'always' }, windowed);
      exhausted = window.examined < size;
      scanned += window.examined;
      after = window.last ?? after;
      for (const row of window.rows) {
        const facts = factsOf(row);
        const decisions = deps.access.fields(caller, 'read', collection, facts);
        if (!deps.access.hidden(caller, collection, facts, decisions) && (await source.keep(row, facts))) {
          visible.push({ row, facts, decisions });
        }
        if (visible.length > query.limit) break;
      }
      if (where === null) {
        // Deciding rows here: one decision per record of the window, whatever matched, so hidden matches cost
        // what absent ones do.
        for (let decided = window.rows.length; decided < window.examined; decided++) {
          deps.access.hidden(
            caller,
            collection,
            DECOY,
            deps.access.fields(caller, 'read', collection, DECOY),
          );
        }
      }
    }
    const capped = visible.length <= query.limit && !exhausted && scanned >= cap;
    return { visible, after, capped };
  }

  return async function page(
    caller: Caller,
    action: AuditAction,
    collection: Collection,
    query: PageQuery,
    source: PageSource,
  ): Promise<RecordPage> {
    const { visible, after, capped } = await scan(caller, collection, query, source);
    const returned = visible.slice(0, query.limit);
    const records: RecordView[] = [];
    const reads: Array<{ view: RecordView; subjectHash: string | null }> = [];
    for (const { row, facts, decisions } of returned) {
      const shown = await deps.view(caller, collection, row, query, facts, decisions);
      if (shown === null) continue;
      records.push(shown);
      reads.push({ view: shown, subjectHash: facts.subjectHash });
    }
    await Promise.all(
      reads.length === 0
        ? [deps.auditRead(caller, action, collection, null, source.searched)]
        : reads.map((read) => deps.auditRead(caller, action, collection, read)),
    );
    const last = returned[returned.length - 1];
    const cursorAfter = visible.length > query.limit ? (last?.row.id ?? null) : capped ? after : null;
    return { records, nextCursor: cursorAfter === null ? null : deps.cursor.encode(collection, cursorAfter) };
  };
}

export type RecordPager = ReturnType<typeof createRecordPager>;
