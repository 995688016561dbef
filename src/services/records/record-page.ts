/**
 * Pages of visible records. Rows are fetched in id order and kept when the caller may see them and the query's
 * own test accepts them, until one more than `limit` are found, the rows run out, or MAX_SCANNED rows were
 * examined (bounded work per request).
 * Invariants: pages are filled with visible records only; the cursor exists exactly when a further visible record
 * does (it points after the last record returned), or when the scan cap was reached (then always, whatever was
 * found): neither an empty page with a cursor nor the cursor itself reveals a record the caller cannot see; every
 * returned record is audited before the page is returned; a page decides visibility on at least MIN_DECIDED rows,
 * so a filter or search matching a few records hidden from the caller costs what one matching none costs
 * (services/hidden-existence.ts). Not addressed: beyond MIN_DECIDED, the work grows with the hidden rows a query
 * matches (up to MAX_SCANNED); only deciding visibility in the storage query would make it constant.
 */
import type { Decision } from '../../policy/index.js';
import type { RecordRow } from '../../storage/index.js';
import type { AuditAction } from '../audit/index.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import type { PageCursor } from './page-cursor.js';
import type { ReadAudit } from './read-audit.js';
import { MAX_PAGE, type ReadOptions, type RecordPage, type RecordView } from './read-model.js';
import type { RecordAccess } from './record-access.js';
import { factsOf, type RecordFacts } from './record-facts.js';
import type { RecordViewer } from './record-view.js';

/** Rows examined for one page at most: beyond, the page ends early with a cursor. */
const MAX_SCANNED = 2000;

/**
 * Rows' worth of visibility decisions a page makes at least: when fewer rows matched, the rest are decided on a
 * row that matches no condition and the answers discarded, so that zero and a few hidden matches cost the same.
 */
const MIN_DECIDED = 8;
const DECOY: RecordFacts = Object.freeze({ createdBy: '', subjectHash: null, plain: Object.freeze({}) });

export interface PageQuery extends ReadOptions {
  cursor?: string;
  limit: number;
}

/** Fetches up to `limit` candidate rows after the record id `after` (from the start when null). */
type FetchRows = (after: string | null, limit: number) => Promise<RecordRow[]>;
/** The query's own test of a visible row (filters, search confirmation). */
type KeepRow = (row: RecordRow, facts: RecordFacts) => Promise<boolean>;
type Visible = { row: RecordRow; facts: RecordFacts; decisions: Map<string, Decision> };

export function createRecordPager(deps: {
  access: RecordAccess;
  view: RecordViewer;
  auditRead: ReadAudit;
  cursor: PageCursor;
}) {
  /** Up to `limit` + 1 visible, accepted rows after `after`, and where the scan stopped. */
  async function scan(
    caller: Caller,
    collection: Collection,
    query: PageQuery,
    fetch: FetchRows,
    keep: KeepRow,
  ) {
    let after = deps.cursor.decode(collection, query.cursor, 'cursor');
    const visible: Visible[] = [];
    let scanned = 0;
    let exhausted = false;
    while (visible.length <= query.limit && !exhausted && scanned < MAX_SCANNED) {
      const batch = Math.min(query.limit * 2, MAX_PAGE);
      const rows = await fetch(after, batch);
      exhausted = rows.length < batch;
      for (const row of rows) {
        scanned++;
        after = row.id;
        const facts = factsOf(row);
        const decisions = deps.access.fields(caller, 'read', collection, facts);
        if (!deps.access.hidden(caller, collection, facts, decisions) && (await keep(row, facts))) {
          visible.push({ row, facts, decisions });
        }
        if (visible.length > query.limit || scanned >= MAX_SCANNED) break;
      }
    }
    for (let decided = scanned; decided < MIN_DECIDED; decided++) {
      deps.access.hidden(caller, collection, DECOY, deps.access.fields(caller, 'read', collection, DECOY));
    }
    const capped = visible.length <= query.limit && !exhausted && scanned >= MAX_SCANNED;
    return { visible, after, capped };
  }

  return async function page(
    caller: Caller,
    action: AuditAction,
    collection: Collection,
    query: PageQuery,
    fetch: FetchRows,
    keep: KeepRow,
    searched: string[],
  ): Promise<RecordPage> {
    const { visible, after, capped } = await scan(caller, collection, query, fetch, keep);
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
        ? [deps.auditRead(caller, action, collection, null, searched)]
        : reads.map((read) => deps.auditRead(caller, action, collection, read)),
    );
    const last = returned[returned.length - 1];
    const cursorAfter = visible.length > query.limit ? (last?.row.id ?? null) : capped ? after : null;
    return { records, nextCursor: cursorAfter === null ? null : deps.cursor.encode(collection, cursorAfter) };
  };
}

export type RecordPager = ReturnType<typeof createRecordPager>;
