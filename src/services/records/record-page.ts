/**
 * Pages of visible records. The query itself keeps only records the caller may see and use as the request does
 * (record-visibility.ts: the policy's row conditions in the WHERE clause), so rows hidden from the caller are
 * never fetched; the rows that come back are still decided here (defence in depth, and the query's own test such
 * as a search's confirmation), kept until one more than `limit` are found, the rows run out, or MAX_SCANNED rows
 * were examined (bounded work per request).
 * Invariants: pages are filled with visible records only; the cursor exists exactly when a further visible record
 * does (it points after the last record returned), or when the scan cap was reached (then always, whatever was
 * found): neither an empty page with a cursor nor the cursor itself reveals a record the caller cannot see; a
 * page neither skips nor repeats a visible record (id order, strictly after the cursor); every returned record is
 * audited before the page is returned; the cost of a page does not depend on how many hidden records its filter
 * or search matches (services/hidden-existence.ts).
 * Not addressed: a policy whose row conditions are too large for one query (record-visibility.ts MAX_TESTS) is
 * decided here instead, over one window of at most BOUNDED_SCANNED rows whose decisions are padded to the full
 * window: the policy work is constant, the rows read from storage (at most the window) are not.
 */
import type { Decision } from '../../policy/index.js';
import type { RecordCondition, RecordRow } from '../../storage/index.js';
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

/** Rows examined for one page at most: beyond, the page ends early with a cursor. */
const MAX_SCANNED = 2000;
/** Rows examined, and decisions made, by a page whose row conditions could not go into the query. */
const BOUNDED_SCANNED = 2 * MAX_PAGE;
const DECOY: RecordFacts = Object.freeze({ createdBy: '', subjectHash: null, plain: Object.freeze({}) });

export interface PageQuery extends ReadOptions {
  cursor?: string;
  limit: number;
}

/** What a list or search asks storage for, and how it tests a visible row. */
export interface PageSource {
  /** Fetches up to `limit` candidate rows after the record id `after` (from the start when null) that meet `visible`. */
  fetch(after: string | null, limit: number, visible: RecordCondition): Promise<RecordRow[]>;
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
    const cap = where === null ? BOUNDED_SCANNED : MAX_SCANNED;
    const visible: Visible[] = [];
    let scanned = 0;
    let exhausted = false;
    while (visible.length <= query.limit && !exhausted && scanned < cap) {
      const batch = where === null ? BOUNDED_SCANNED : Math.min(query.limit * 2, MAX_PAGE);
      const rows = await source.fetch(after, batch, where ?? { kind: 'always' });
      exhausted = rows.length < batch;
      for (const row of rows) {
        scanned++;
        after = row.id;
        const facts = factsOf(row);
        const decisions = deps.access.fields(caller, 'read', collection, facts);
        if (!deps.access.hidden(caller, collection, facts, decisions) && (await source.keep(row, facts))) {
          visible.push({ row, facts, decisions });
        }
        if (visible.length > query.limit || scanned >= cap) break;
      }
    }
    if (where === null) {
      // Deciding rows here: as many decisions whatever the rows were, so hidden ones cost what absent ones do.
      for (let decided = scanned; decided < BOUNDED_SCANNED; decided++) {
        deps.access.hidden(caller, collection, DECOY, deps.access.fields(caller, 'read', collection, DECOY));
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
