/**
 * Quota buckets in one node's memory (no Redis configured). Bounded: a bucket that has refilled is the same as no
 * bucket and is dropped when met at the old end of the map; beyond `maxBuckets`, the least recently used buckets go
 * first (they start over full, so under that pressure an identity may get a fresh burst; size the bound above the
 * number of identities active within a refill period).
 */
import type { Quota } from '../model/index.js';
import {
  type BucketState,
  describeBucket,
  type QuotaOutcome,
  type QuotaStore,
  takeTokens,
} from './token-bucket.js';

interface Bucket extends BucketState {
  /** When the bucket will be full again: from then on it can be forgotten. */
  fullAt: number;
}

/** Idle buckets inspected per take: enough to drain them faster than takes add buckets. */
const SWEEP = 2;

export function createMemoryQuotaStore(options: { maxBuckets: number }): QuotaStore & { size(): number } {
  const buckets = new Map<string, Bucket>();

  function evict(now: number): void {
    let inspected = 0;
    for (const [key, bucket] of buckets) {
      if (inspected++ >= SWEEP) break;
      if (bucket.fullAt <= now) buckets.delete(key);
    }
    while (buckets.size > options.maxBuckets) {
      const oldest = buckets.keys().next().value;
      if (oldest === undefined) break;
      buckets.delete(oldest);
    }
  }

  function takeNow(key: string, quota: Quota, cost: number, now: number): QuotaOutcome {
    const bucket = buckets.get(key);
    const { state, allowed } = takeTokens(bucket, quota, cost, now);
    const outcome = describeBucket(state.units, quota, cost, allowed);
    // Re-inserted so that the map stays in order of last use; the bucket object is kept and updated in place.
    buckets.delete(key);
    if (outcome.resetMs > 0) {
      const kept = bucket ?? { units: 0, at: 0, fullAt: 0 };
      kept.units = state.units;
      kept.at = state.at;
      kept.fullAt = state.at + outcome.resetMs;
      buckets.set(key, kept);
    }
    evict(now);
    return outcome;
  }

  return {
    takeNow,
    async take(key, quota, cost, now) {
      return takeNow(key, quota, cost, now);
    },
    async ping() {
      return true;
    },
    /** Buckets held (tests). */
    size: () => buckets.size,
    async close() {
      buckets.clear();
    },
  };
}
