import type { Kysely } from 'kysely';
import { createRecordErasure } from './record-erasure.js';
import { createRecordRotationScans } from './record-rotation-scans.js';
import { createRecordSearch } from './record-search.js';
import type { Database } from './schema.js';

export type { RecordCondition } from './record-condition.js';
export type { AttributeFilter, IndexFilter, RecordWindow, ScanOptions } from './record-search.js';

/** Read-side queries over records: listing, filtering, blind index search, and the scans key jobs make. */
export function createRecordQueryStore(db: Kysely<Database>) {
  return { ...createRecordSearch(db), ...createRecordRotationScans(db), ...createRecordErasure(db) };
}

export type RecordQueryStore = ReturnType<typeof createRecordQueryStore>;
