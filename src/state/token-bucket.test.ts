import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryQuotaStore } from './memory-quota-store.js';
import { type BucketState, describeBucket, takeTokens, UNITS_PER_TOKEN } from './token-bucket.js';

const quota = { capacity: 5, perMinute: 60 };

describe('takeTokens', () => {
  it('starts full, admits up to the capacity, then refills one token per 60000 / perMinute ms', () => {
    let state: BucketState | undefined;
    const admitted: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const next = takeTokens(state, quota, 1, 0);
      state = next.state;
      admitted.push(next.allowed);
    }
    expect(admitted).toEqual([true, true, true, true, true, false]);
    expect(takeTokens(state, quota, 1, 999).allowed).toBe(false);
    expect(takeTokens(state, quota, 1, 1000).allowed).toBe(true);
  });

  it('never holds more than the capacity, even after the capacity was lowered', () => {
    const { state } = takeTokens(undefined, { capacity: 100, perMinute: 60 }, 1, 0);
    const lowered = takeTokens(state, quota, 1, 10_000_000);
    expect(lowered.state.units).toBe((quota.capacity - 1) * UNITS_PER_TOKEN);
  });

  it('refills nothing when the clock goes back, and takes nothing away', () => {
    const first = takeTokens(undefined, quota, 3, 10_000);
    const back = takeTokens(first.state, quota, 1, 5_000);
    expect(back.allowed).toBe(true);
    expect(back.state).toEqual({ units: UNITS_PER_TOKEN, at: 10_000 });
  });

  it('describes the bucket as whole tokens left, ms until full, and ms until the cost is affordable', () => {
    const { state, allowed } = takeTokens(undefined, quota, 5, 0);
    expect(describeBucket(state.units, quota, 5, allowed)).toEqual({
      allowed: true,
      limit: 5,
      remaining: 0,
      resetMs: 5000,
      retryAfterMs: 0,
    });
    const refused = takeTokens(state, quota, 2, 1500);
    expect(describeBucket(refused.state.units, quota, 2, refused.allowed)).toEqual({
      allowed: false,
      limit: 5,
      remaining: 1,
      resetMs: 3500,
      retryAfterMs: 500,
    });
  });
});

/** Random request sequences: (gap in ms before the request, its cost). */
const requests = fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 4 })), {
  maxLength: 200,
});
const quotas = fc.record({
  capacity: fc.integer({ min: 1, max: 20 }),
  perMinute: fc.integer({ min: 1, max: 600 }),
});

describe('the token bucket bound (property)', () => {
  it('never admits more than capacity + refill × elapsed, over any window of a random sequence', async () => {
    await fc.assert(
      fc.asyncProperty(quotas, requests, async (q, sequence) => {
        const store = createMemoryQuotaStore({ maxBuckets: 10 });
        let now = 1_000_000;
        const admitted: Array<{ at: number; cost: number }> = [];
        for (const [gap, cost] of sequence) {
          now += gap;
          if ((await store.take('k', q, cost, now)).allowed) admitted.push({ at: now, cost });
        }
        // Every window [admitted[i].at, admitted[j].at]: units taken ≤ capacity + perMinute × elapsed / 60000.
        for (let i = 0; i < admitted.length; i++) {
          let taken = 0;
          for (let j = i; j < admitted.length; j++) {
            taken += admitted[j]?.cost ?? 0;
            const elapsed = (admitted[j]?.at ?? 0) - (admitted[i]?.at ?? 0);
            expect(taken * 60_000).toBeLessThanOrEqual(q.capacity * 60_000 + q.perMinute * elapsed);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('admits a request as soon as the bound allows it (no refusal while tokens suffice)', () => {
    fc.assert(
      fc.property(quotas, requests, (q, sequence) => {
        let state: BucketState | undefined;
        let now = 0;
        let model = q.capacity * 60_000;
        let last = 0;
        for (const [gap, cost] of sequence) {
          now += gap;
          model = Math.min(q.capacity * 60_000, model + (now - last) * q.perMinute);
          last = now;
          const next = takeTokens(state, q, cost, now);
          expect(next.allowed).toBe(model >= cost * 60_000);
          if (next.allowed) model -= cost * 60_000;
          state = next.state;
        }
      }),
      { numRuns: 200 },
    );
  });
});
