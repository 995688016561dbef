import type { Kysely } from 'kysely';
import { createKeyJobLeases } from './key-job-leases.js';
import { createKeyJobRows } from './key-job-rows.js';
import type { Database } from './schema.js';

export type { KeyJobProgress } from './key-job-leases.js';
export type { KeyJobKind, KeyJobRow, KeyJobStatus } from './key-job-rows.js';

/** Key rotation jobs: their rows, and the lease under which one process at a time advances a job. */
export function createKeyJobStore(db: Kysely<Database>) {
  return { ...createKeyJobRows(db), ...createKeyJobLeases(db) };
}

export type KeyJobStore = ReturnType<typeof createKeyJobStore>;
