/**
 * Counters of failed attempts (login throttling), shared by every node when Redis is configured.
 * Semantics, identical in both implementations and atomic per key:
 * - `reserve` counts an attempt *before* it is checked, unless the key is blocked; a burst of concurrent attempts
 *   therefore cannot all pass before any is counted. Past `freeAttempts` each attempt blocks the key for an
 *   exponentially growing delay; from `lockoutAfter` on, for `lockoutMs`.
 * - `release` gives one counted attempt back; `reset` forgets the key.
 * Keys are opaque to the store (callers pass HMACs, never usernames). Entries expire `retentionMs` after their block.
 */
export interface AttemptPolicy {
  freeAttempts: number;
  lockoutAfter: number;
  baseDelayMs: number;
  maxDelayMs: number;
  lockoutMs: number;
  retentionMs: number;
}

export interface AttemptStore {
  /** Counts an attempt; returns 0 when it may proceed, or the time (ms) until which the key is blocked. */
  reserve(key: string, policy: AttemptPolicy, now: number): Promise<number>;
  release(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  /** True when the backing store answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** The wait imposed after the `failures`-th counted attempt. */
export function blockDelayMs(policy: AttemptPolicy, failures: number): number {
  if (failures >= policy.lockoutAfter) return policy.lockoutMs;
  if (failures < policy.freeAttempts) return 0;
  const exponent = Math.min(failures - policy.freeAttempts, 30);
  return Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
}

interface Entry {
  failures: number;
  blockedUntil: number;
  expiresAt: number;
}

/** One node's counters, in memory and bounded: when full, the oldest entries go first. */
export function createMemoryAttemptStore(options: { maxEntries?: number } = {}): AttemptStore {
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, Entry>();

  return {
    async reserve(key, policy, now) {
      const existing = entries.get(key);
      const current = existing !== undefined && existing.expiresAt > now ? existing : undefined;
      if (current !== undefined && current.blockedUntil > now) return current.blockedUntil;
      const failures = (current?.failures ?? 0) + 1;
      const blockedUntil = now + blockDelayMs(policy, failures);
      entries.delete(key);
      entries.set(key, { failures, blockedUntil, expiresAt: blockedUntil + policy.retentionMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return 0;
    },
    async release(key) {
      const entry = entries.get(key);
      if (entry === undefined) return;
      if (entry.failures <= 1) entries.delete(key);
      else entry.failures -= 1;
    },
    async reset(key) {
      entries.delete(key);
    },
    async ping() {
      return true;
    },
    async close() {
      entries.clear();
    },
  };
}
