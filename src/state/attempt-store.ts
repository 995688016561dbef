/**
 * Shared counters for login throttling. The memory implementation serves one node; every operation is synchronous
 * inside one event-loop turn, so a burst of concurrent attempts cannot all pass a check before any is counted.
 * Bounded: when full, the entries closest to expiry are dropped first (an attacker flooding keys loses the oldest
 * counters, but per-address limits still apply).
 */
export interface AttemptState {
  failures: number;
  blockedUntil: number;
}

export interface AttemptStore {
  /** Atomically applies `update` to the entry (or to null) and stores the result until `expiresAt`; null deletes. */
  update(
    key: string,
    update: (current: AttemptState | null) => { state: AttemptState; expiresAt: number } | null,
  ): Promise<AttemptState | null>;
}

export function createMemoryAttemptStore(options: {
  clock: () => number;
  maxEntries?: number;
}): AttemptStore {
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, { state: AttemptState; expiresAt: number }>();

  function evict(): void {
    const now = options.clock();
    for (const [key, entry] of entries) {
      if (entries.size <= maxEntries) return;
      if (entry.expiresAt <= now) entries.delete(key);
    }
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) return;
      entries.delete(oldest);
    }
  }

  return {
    async update(key, update) {
      const existing = entries.get(key);
      const current = existing !== undefined && existing.expiresAt > options.clock() ? existing.state : null;
      const next = update(current === null ? null : { ...current });
      entries.delete(key);
      if (next === null) return null;
      entries.set(key, next);
      if (entries.size > maxEntries) evict();
      return next.state;
    },
  };
}
