import type { KeyJobRow, Stores } from '../../storage/index.js';

/** Commits a batch's progress in the batch's own transaction; throws when the lease was lost (rolls back). */
export type CommitProgress = (stores: Stores, cursor: string, passed: number) => Promise<void>;

/** What one kind of key job does; the runner (job-runner.ts) supplies leases, batching, pauses and retries. */
export interface JobHandler {
  /** Runs each time this node (re)starts the job, e.g. to load the newest master key. */
  prepare(job: KeyJobRow): Promise<void>;
  /**
   * Moves up to `limit` items after `cursor` to the new key version and calls `commit` in the same transaction;
   * returns how many items the batch passed (0: the pass is over).
   */
  batch(job: KeyJobRow, cursor: string, limit: number, commit: CommitProgress): Promise<number>;
  /** How many items still depend on an old version (writers that raced the job may have added some). */
  remaining(stores: Stores, job: KeyJobRow): Promise<number>;
  /** Retires the old versions; runs in the transaction that found nothing remaining and completes the job. */
  retire(stores: Stores, job: KeyJobRow, now: number): Promise<void>;
  /** Runs after the retirement committed. */
  afterRetire(job: KeyJobRow): Promise<void>;
}

/** Retires the live versions of data key `keyId` older than `toVersion` (once nothing depends on them). */
export async function retireVersionsBelow(stores: Stores, keyId: string, toVersion: number, now: number) {
  for (const version of await stores.keys.liveVersions(keyId)) {
    if (version.version < toVersion) await stores.keys.retireDataKey(keyId, version.version, now);
  }
}
