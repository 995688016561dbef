/**
 * Reading records: by id, as a filtered page, or by exact value of searchable sensitive fields (blind index).
 * The policy decides every field of every record (record-view.ts); a record the caller may see no field of under
 * any configured purpose does not exist for them (404, skipped in lists). Finding is object-level too
 * (record-filters.ts, record-search.ts), pages hold visible records only and their cursors are sealed
 * (record-page.ts, page-cursor.ts).
 * Every read is audited (action, collection, record id, the fields that left, purpose) and the event is durably
 * written before the response is returned (AUDIT_UNAVAILABLE otherwise).
 * Invariants: erased records answer SUBJECT_ERASED (404 when hidden) and are skipped in lists; a read that finds
 * nothing on a collection another node dropped answers COLLECTION_NOT_FOUND (live-collection.ts).
 */
import type { Collection } from '../collection-service.js';
import { hiddenNotFound } from '../hidden-existence.js';
import type { Caller } from './caller.js';
import { readOfLiveCollection } from './live-collection.js';
import { createPageCursor } from './page-cursor.js';
import { createReadAudit } from './read-audit.js';
import {
  checkReveal,
  type ReadOptions,
  type RecordPage,
  type RecordReaderDeps,
  type RecordView,
} from './read-model.js';
import { mayMatch, parseFilter } from './record-filters.js';
import { findVisibleRecord } from './record-lookup.js';
import { createRecordPager } from './record-page.js';
import { createRecordSearch } from './record-search.js';
import { createRecordView } from './record-view.js';

export function createRecordReader(deps: RecordReaderDeps) {
  const view = createRecordView({ store: deps.stores.keys, crypto: deps.crypto, access: deps.access });
  const auditRead = createReadAudit(deps.audit);
  const page = createRecordPager({
    access: deps.access,
    view,
    auditRead,
    cursor: createPageCursor(deps.cursorKey),
  });

  const empty = (found: RecordPage) => found.records.length === 0;
  const search = createRecordSearch(deps, page);

  return {
    async get(caller: Caller, collection: Collection, id: string, options: ReadOptions): Promise<RecordView> {
      checkReveal(collection, options);
      const { facts, shown } = await readOfLiveCollection(deps.stores.collections, collection, async () => {
        const { row, facts } = await findVisibleRecord(
          deps.stores.records,
          deps.access,
          caller,
          collection,
          id,
        );
        const shown = await view(caller, collection, row, options, facts);
        if (shown === null) throw hiddenNotFound('RECORD_NOT_FOUND', 'refused');
        return { facts, shown };
      });
      await auditRead(caller, 'record.read', collection, { view: shown, subjectHash: facts.subjectHash });
      return shown;
    },

    async list(
      caller: Caller,
      collection: Collection,
      query: { cursor?: string; limit: number; filters: Record<string, string> } & ReadOptions,
    ): Promise<RecordPage> {
      checkReveal(collection, query);
      const attributes = Object.entries(query.filters).map(([name, text]) =>
        parseFilter(collection, name, text),
      );
      const filtered = attributes.map((a) => a.field);
      const listed = () =>
        page(caller, 'record.list', collection, query, {
          fetch: (after, size, visible, windowed) =>
            deps.stores.recordQueries.scan(collection.id, {
              after,
              size,
              attributes,
              indexes: [],
              visible,
              windowed,
            }),
          // Filtering by a field is reading it: only records whose filtered fields the caller may read can match.
          keep: async (_row, facts) => mayMatch(deps.access, caller, 'read', collection, facts, filtered),
          uses: { read: filtered, search: [] },
          searched: filtered,
        });
      return readOfLiveCollection(deps.stores.collections, collection, listed, empty);
    },

    search: (...args: Parameters<typeof search>) =>
      readOfLiveCollection(deps.stores.collections, args[1], () => search(...args), empty),
  };
}

export type RecordReader = ReturnType<typeof createRecordReader>;
