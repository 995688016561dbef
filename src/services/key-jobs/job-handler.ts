import { type KeyJobRow, rollBack, type Stores, type Transactor } from '../../storage/index.js';

/**
 * Records a batch's progress in the batch's own transaction, renewing the lease; false when the lease was lost
 * (another process runs the job now), and then the batch must roll back.
 */
export type CommitProgress = (stores: Stores, cursor: string, passed: number) => Promise<boolean>;

/** A batch that lost its lease: it rolled back and the job is someone else's. */
export const LEASE_LOST = 'lease-lost';
export type BatchOutcome = number | typeof LEASE_LOST;

/**
 * Runs a batch's writes and its progress in one transaction: how many items it passed, or LEASE_LOST when the
 * lease had gone by the time the progress was written (then none of the batch's writes stay).
 */
export async function commitBatch(
  transactor: Transactor,
  commit: CommitProgress,
  progress: { cursor: string; passed: number },
  writes: (stores: Stores) => Promise<void>,
): Promise<BatchOutcome> {
  const held = await transactor.transaction(async (stores) => {
    await writes(stores);
    return (await commit(stores, progress.cursor, progress.passed)) ? true : rollBack(false);
  });
  return held ? progress.passed : LEASE_LOST;
}

/** What one kind of key job does; the runner (job-runner.ts) supplies leases, batching, pauses and retries. */
export interface JobHandler {
  /** Runs each time this node (re)starts the job, e.g. to load the newest master key. */
  prepare(job: KeyJobRow): Promise<void>;
  /**
   * Moves up to `limit` items after `cursor` to the new key version and calls `commit` in the same transaction;
   * returns how many items the batch passed (0: the pass is over) or LEASE_LOST (see commitBatch).
   */
  batch(job: KeyJobRow, cursor: string, limit: number, commit: CommitProgress): Promise<BatchOutcome>;
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
