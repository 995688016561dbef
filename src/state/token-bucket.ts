/**
 * Token buckets, the arithmetic both quota stores share (the Redis store runs the same steps in Lua).
 * A bucket holds at most `capacity` tokens and gains `perMinute` a minute, continuously; a request of cost `c` is
 * admitted when the bucket holds at least `c` tokens, which it then loses. A missing bucket is a full one.
 *
 * Invariant: over any interval of `t` ms a bucket admits at most `capacity + perMinute × t / 60000` tokens' worth
 * of requests, exactly: amounts are kept in whole units of 1/60000 token, so a bucket gains exactly `perMinute`
 * units per millisecond and no rounding ever admits a request early. A clock that goes back (another node's, a
 * little behind) refills nothing; it never takes tokens away either.
 */
import type { Quota } from '../model/index.js';

/** Units per token: one millisecond's refill at one token a minute. */
export const UNITS_PER_TOKEN = 60_000;

/** What a bucket holds, in units, as of time `at` (ms). */
export interface BucketState {
  units: number;
  at: number;
}

/** The answer to one take, as the RateLimit headers report it. */
export interface QuotaOutcome {
  allowed: boolean;
  /** The bucket's capacity, in tokens. */
  limit: number;
  /** Whole tokens left after this take. */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
  /** Milliseconds until a refused take of the same cost could succeed (0 when admitted). */
  retryAfterMs: number;
}

/** The state of `state` (or of a full bucket) at `now`, and whether it admits `cost` tokens. */
export function takeTokens(
  state: BucketState | undefined,
  quota: Quota,
  cost: number,
  now: number,
): { state: BucketState; allowed: boolean } {
  const capacity = quota.capacity * UNITS_PER_TOKEN;
  let units = state?.units ?? capacity;
  let at = state?.at ?? now;
  if (now > at) {
    const gained = (now - at) * quota.perMinute;
    units = gained >= capacity - units ? capacity : units + gained;
    at = now;
  }
  // The capacity may have been lowered since the bucket was last seen.
  units = Math.min(units, capacity);
  const price = cost * UNITS_PER_TOKEN;
  const allowed = units >= price;
  return { state: { units: allowed ? units - price : units, at }, allowed };
}

/** The outcome of a take that left `units` in a bucket of `quota`. */
export function describeBucket(units: number, quota: Quota, cost: number, allowed: boolean): QuotaOutcome {
  const missing = quota.capacity * UNITS_PER_TOKEN - units;
  const short = cost * UNITS_PER_TOKEN - units;
  return {
    allowed,
    limit: quota.capacity,
    remaining: Math.floor(units / UNITS_PER_TOKEN),
    resetMs: Math.max(0, Math.ceil(missing / quota.perMinute)),
    retryAfterMs: allowed ? 0 : Math.max(1, Math.ceil(short / quota.perMinute)),
  };
}

/**
 * Buckets by key, shared by every node when Redis is configured. Keys are opaque to the store (`<group>:user:<id>`,
 * `<group>:key:<id>`, `<group>:addr:<address>`). Each take is atomic per key; times come from the caller's clock.
 */
export interface QuotaStore {
  /** Takes `cost` tokens from the bucket `key` if it holds them; rejects when the store cannot answer. */
  take(key: string, quota: Quota, cost: number, now: number): Promise<QuotaOutcome>;
  /** `take` answered at once, for a store that holds its buckets in this process's memory (no promise per request). */
  takeNow?(key: string, quota: Quota, cost: number, now: number): QuotaOutcome;
  /** True when the backing store answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
