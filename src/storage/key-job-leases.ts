import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** What a batch commits together with its work. */
export interface KeyJobProgress {
  cursor: string;
  done: number;
  total: number;
  now: number;
  leaseUntil: number;
}

/**
 * Leases on key rotation jobs. Progress (cursor, done) is written only by the lease holder, in the transaction
 * of the batch it describes; a lease is taken with one conditional UPDATE, so at most one process runs a job at
 * a time.
 */
export function createKeyJobLeases(db: Kysely<Database>) {
  return {
    /** Takes (or renews) the lease of a running job when it is free, expired or already ours. */
    async claim(id: string, owner: string, now: number, leaseUntil: number): Promise<boolean> {
      const result = await db
        .updateTable('key_jobs')
        .set({ lease_owner: owner, lease_until: leaseUntil })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where((eb) =>
          eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Records progress and renews the lease; false when `owner` no longer holds it (the batch must roll back). */
    async advance(id: string, owner: string, progress: KeyJobProgress): Promise<boolean> {
      const result = await db
        .updateTable('key_jobs')
        .set({
          cursor: progress.cursor,
          done: progress.done,
          total: progress.total,
          updated_at: progress.now,
          lease_until: progress.leaseUntil,
        })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async finish(
      id: string,
      owner: string,
      outcome: { status: 'completed' | 'failed'; done: number; now: number; error: string | null },
    ): Promise<boolean> {
      const result = await db
        .updateTable('key_jobs')
        .set({
          status: outcome.status,
          done: outcome.done,
          updated_at: outcome.now,
          finished_at: outcome.now,
          error: outcome.error,
          lease_owner: null,
          lease_until: null,
        })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Gives the lease up (on shutdown), so another process may continue at once. */
    async release(id: string, owner: string): Promise<void> {
      await db
        .updateTable('key_jobs')
        .set({ lease_owner: null, lease_until: null })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    },
  };
}
