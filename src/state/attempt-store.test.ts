/** One contract for both attempt stores: the memory store, and Redis when STRONGROOM_REDIS_URL is set. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AttemptPolicy,
  type AttemptStore,
  blockDelayMs,
  createMemoryAttemptStore,
} from './attempt-store.js';
import { createRedisAttemptStore } from './redis-attempt-store.js';

const REDIS_URL = process.env.STRONGROOM_REDIS_URL ?? null;

const policy: AttemptPolicy = {
  freeAttempts: 3,
  lockoutAfter: 6,
  baseDelayMs: 1000,
  maxDelayMs: 4000,
  lockoutMs: 60_000,
  retentionMs: 120_000,
};

describe('blockDelayMs', () => {
  it('is free, then doubles up to the cap, then locks out', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => blockDelayMs(policy, n))).toEqual([
      0, 0, 1000, 2000, 4000, 60_000, 60_000,
    ]);
  });
});

function contract(name: string, make: () => AttemptStore) {
  describe(`${name} attempt store`, () => {
    let store: AttemptStore;
    const key = () => `test:${randomBytes(6).toString('hex')}`;
    beforeAll(() => {
      store = make();
    });
    afterAll(async () => {
      await store.close();
    });

    it('answers ping', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('lets free attempts through, then blocks for growing delays, then locks out', async () => {
      const k = key();
      let now = 1_000_000;
      const results: number[] = [];
      for (let i = 0; i < 3; i++) results.push(await store.reserve(k, policy, now));
      expect(results).toEqual([0, 0, 0]);
      // The third attempt set a 1 s block.
      expect(await store.reserve(k, policy, now + 10)).toBe(now + 1000);
      now += 1000;
      expect(await store.reserve(k, policy, now)).toBe(0);
      expect(await store.reserve(k, policy, now)).toBe(now + 2000);
      now += 2000;
      expect(await store.reserve(k, policy, now)).toBe(0);
      now += 4000;
      expect(await store.reserve(k, policy, now)).toBe(0);
      expect(await store.reserve(k, policy, now)).toBe(now + 60_000);
    });

    it('counts every attempt of a concurrent burst', async () => {
      const k = key();
      const now = 2_000_000;
      const results = await Promise.all(Array.from({ length: 20 }, () => store.reserve(k, policy, now)));
      expect(results.filter((r) => r === 0)).toHaveLength(3);
    });

    it('releases one attempt and resets a key', async () => {
      const k = key();
      const now = 3_000_000;
      await store.reserve(k, policy, now);
      await store.reserve(k, policy, now);
      await store.release(k);
      await store.release(k);
      await store.release(k);
      for (let i = 0; i < 2; i++) expect(await store.reserve(k, policy, now)).toBe(0);
      await store.reset(k);
      for (let i = 0; i < 3; i++) expect(await store.reserve(k, policy, now)).toBe(0);
      expect(await store.reserve(k, policy, now)).toBeGreaterThan(0);
    });

    it('forgets failures after the retention period', async () => {
      const k = key();
      const now = 4_000_000;
      for (let i = 0; i < 2; i++) await store.reserve(k, policy, now);
      // Memory entries expire by the caller's clock; Redis keys by Redis' own (PEXPIRE), so only check memory here.
      if (name === 'memory') {
        for (let i = 0; i < 3; i++) expect(await store.reserve(k, policy, now + 200_000)).toBe(0);
      }
    });
  });
}

contract('memory', () => createMemoryAttemptStore());
if (REDIS_URL !== null) {
  contract('redis', () =>
    createRedisAttemptStore({
      url: REDIS_URL,
      prefix: `strongroom-test-${randomBytes(4).toString('hex')}:`,
      commandTimeoutMs: 1000,
    }),
  );
} else {
  describe.skip('redis attempt store (set STRONGROOM_REDIS_URL to run)', () => {
    it('is skipped', () => {});
  });
}

describe('a Redis attempt store that cannot be reached', () => {
  it('fails closed with DEPENDENCY_UNAVAILABLE, reporting errors to its logger only', async () => {
    const errors: Error[] = [];
    // Port 1: connections are refused at once, as when Redis is down.
    const store = createRedisAttemptStore({
      url: 'redis://127.0.0.1:1',
      prefix: 'strongroom-test-down:',
      commandTimeoutMs: 300,
      onError: (error) => errors.push(error),
    });
    try {
      for (let i = 0; i < 3; i++) {
        await expect(store.reserve('k', policy, 0)).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
      }
      await expect(store.release('k')).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
      expect(errors.length).toBeGreaterThan(0);
      expect(await store.ping()).toBe(false);
    } finally {
      await store.close();
    }
  });
});

describe('memory store bound', () => {
  it('drops the oldest entries when full', async () => {
    const store = createMemoryAttemptStore({ maxEntries: 2 });
    for (let i = 0; i < 3; i++) await store.reserve('a', policy, 0);
    await store.reserve('b', policy, 0);
    await store.reserve('c', policy, 0);
    // 'a' was evicted: it starts over.
    expect(await store.reserve('a', policy, 0)).toBe(0);
  });
});
