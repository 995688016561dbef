/** One contract for both quota stores: the memory store, and Redis when STRONGROOM_REDIS_URL is set. */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryQuotaStore } from './memory-quota-store.js';
import { createRedisQuotaStore } from './redis-quota-store.js';
import type { QuotaStore } from './token-bucket.js';

const REDIS_URL = process.env.STRONGROOM_REDIS_URL ?? null;
const quota = { capacity: 3, perMinute: 60 };

function contract(name: string, make: () => QuotaStore, runs: number) {
  describe(`${name} quota store`, () => {
    let store: QuotaStore;
    const key = () => `reads:user:${randomBytes(6).toString('hex')}`;
    beforeAll(() => {
      store = make();
    });
    afterAll(async () => {
      await store.close();
    });

    it('answers ping', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('admits the capacity, refuses, and refills by the caller clock', async () => {
      const k = key();
      const now = 5_000_000;
      const outcomes = [];
      for (let i = 0; i < 4; i++) outcomes.push(await store.take(k, quota, 1, now));
      expect(outcomes.map((o) => [o.allowed, o.remaining, o.resetMs])).toEqual([
        [true, 2, 1000],
        [true, 1, 2000],
        [true, 0, 3000],
        [false, 0, 3000],
      ]);
      expect(outcomes[3]?.retryAfterMs).toBe(1000);
      expect((await store.take(k, quota, 1, now + 999)).allowed).toBe(false);
      expect((await store.take(k, quota, 1, now + 1000)).allowed).toBe(true);
    });

    it('keeps keys apart', async () => {
      const [a, b] = [key(), key()];
      for (let i = 0; i < 3; i++) await store.take(a, quota, 1, 0);
      expect((await store.take(a, quota, 1, 0)).allowed).toBe(false);
      expect((await store.take(b, quota, 1, 0)).allowed).toBe(true);
    });

    it('admits exactly the capacity out of a concurrent burst', async () => {
      const k = key();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => store.take(k, quota, 1, 7_000_000)),
      );
      expect(outcomes.filter((o) => o.allowed)).toHaveLength(quota.capacity);
    });

    it('charges a cost of several units at once, or nothing', async () => {
      const k = key();
      expect((await store.take(k, quota, 2, 0)).remaining).toBe(1);
      const refused = await store.take(k, quota, 2, 0);
      expect([refused.allowed, refused.remaining, refused.retryAfterMs]).toEqual([false, 1, 1000]);
    });

    it('never admits more than capacity + refill × elapsed (property, random sequences)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 1, maxLength: 40 }),
          async (gaps) => {
            const k = key();
            let now = 9_000_000;
            const start = now;
            let admitted = 0;
            for (const gap of gaps) {
              now += gap;
              if ((await store.take(k, quota, 1, now)).allowed) admitted += 1;
            }
            expect(admitted * 60_000).toBeLessThanOrEqual(
              quota.capacity * 60_000 + quota.perMinute * (now - start),
            );
          },
        ),
        { numRuns: runs },
      );
    });
  });
}

contract('memory', () => createMemoryQuotaStore({ maxBuckets: 100_000 }), 100);

describe('memory quota store bound', () => {
  it('forgets the least recently used buckets beyond its bound', async () => {
    const store = createMemoryQuotaStore({ maxBuckets: 2 });
    for (let i = 0; i < 3; i++) await store.take('a', quota, 1, 0);
    expect((await store.take('a', quota, 1, 0)).allowed).toBe(false);
    await store.take('b', quota, 1, 0);
    await store.take('c', quota, 1, 0);
    // 'a' was the least recently used: it starts over, full.
    expect((await store.take('a', quota, 1, 0)).remaining).toBe(2);
  });

  it('drops buckets that have refilled, so idle identities use no memory', async () => {
    const store = createMemoryQuotaStore({ maxBuckets: 1000 });
    for (let i = 0; i < 100; i++) await store.take(`idle${i}`, quota, 1, 0);
    expect(store.size()).toBe(100);
    // Full again after 1 s: each later take sweeps two of them.
    for (let i = 0; i < 30; i++) await store.take(`busy${i}`, { capacity: 1, perMinute: 1 }, 1, 2000);
    expect(store.size()).toBe(30 + 100 - 2 * 30);
    // A refused take of a known bucket adds nothing and sweeps as well.
    await store.take('busy0', { capacity: 1, perMinute: 1 }, 1, 2000);
    expect(store.size()).toBe(30 + 100 - 2 * 31);
  });
});

if (REDIS_URL !== null) {
  const prefix = `strongroom-test-${randomBytes(4).toString('hex')}:`;
  contract('redis', () => createRedisQuotaStore({ url: REDIS_URL, prefix, commandTimeoutMs: 1000 }), 20);

  describe('redis quota store keys', () => {
    const redis = new Redis(REDIS_URL);
    afterAll(async () => {
      await redis.quit();
    });

    it('lives under the prefix and expires once the bucket would be full again', async () => {
      const store = createRedisQuotaStore({ url: REDIS_URL, prefix, commandTimeoutMs: 1000 });
      await store.take('detokenize:key:k1', { capacity: 10, perMinute: 6 }, 3, Date.now());
      const ttl = await redis.pttl(`${prefix}quota:detokenize:key:k1`);
      // 3 tokens at 6 a minute: full again in 30 s (plus a second of margin).
      expect(ttl).toBeGreaterThan(29_000);
      expect(ttl).toBeLessThanOrEqual(31_000);
      await store.close();
    });

    it('is shared by two clients on one prefix', async () => {
      const one = createRedisQuotaStore({ url: REDIS_URL, prefix, commandTimeoutMs: 1000 });
      const two = createRedisQuotaStore({ url: REDIS_URL, prefix, commandTimeoutMs: 1000 });
      await one.take('reads:user:shared', quota, 2, 0);
      expect((await two.take('reads:user:shared', quota, 1, 0)).remaining).toBe(0);
      expect((await one.take('reads:user:shared', quota, 1, 0)).allowed).toBe(false);
      await Promise.all([one.close(), two.close()]);
    });
  });
} else {
  describe.skip('redis quota store (set STRONGROOM_REDIS_URL to run)', () => {
    it('is skipped', () => {});
  });
}

describe('redis quota store when Redis does not answer', () => {
  it('rejects within the command timeout instead of admitting', async () => {
    // Port 1 on localhost: nothing listens, connections are refused.
    const store = createRedisQuotaStore({ url: 'redis://127.0.0.1:1', prefix: 'x:', commandTimeoutMs: 300 });
    const started = Date.now();
    await expect(store.take('reads:user:u', quota, 1, 0)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await store.ping()).toBe(false);
    await store.close();
  });
});
