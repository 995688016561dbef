import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { limitHashing } from './hash-limiter.js';
import type { PasswordHasher } from './password-hash.js';

function slowHasher() {
  let running = 0;
  let peak = 0;
  const releases: Array<() => void> = [];
  const work = async <T>(value: T): Promise<T> => {
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running--;
    return value;
  };
  const hasher: PasswordHasher = {
    params: { memoryCost: 19_456, timeCost: 2, parallelism: 1 },
    hash: () => work('$argon2id$…'),
    verify: () => work({ ok: true, needsRehash: false }),
    verifyDummy: () => work(undefined),
  };
  return {
    hasher,
    peak: () => peak,
    /** Lets every started and queued job finish (queued ones start as earlier ones end). */
    releaseAll: async () => {
      for (let turn = 0; turn < 50; turn++) {
        while (releases.length > 0) releases.shift()?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

describe('limitHashing', () => {
  it('runs at most `concurrency` hashes at once and refuses beyond the queue limit', async () => {
    const slow = slowHasher();
    const limited = limitHashing(slow.hasher, { concurrency: 2, maxQueued: 3 });
    const accepted = Array.from({ length: 5 }, () => limited.verify('x', 'y'));
    await new Promise((resolve) => setImmediate(resolve));
    const refused = await limited.hash('z').catch((error: unknown) => error);
    expect(isAppError(refused, 'SERVICE_BUSY')).toBe(true);
    expect((refused as { retryAfter?: number }).retryAfter).toBe(1);
    await expect(limited.verifyDummy('z')).rejects.toMatchObject({ code: 'SERVICE_BUSY' });
    await slow.releaseAll();
    await expect(Promise.all(accepted)).resolves.toHaveLength(5);
    expect(slow.peak()).toBe(2);
    // The queue drained: work is accepted again.
    const later = limited.hash('again');
    await slow.releaseAll();
    await expect(later).resolves.toBe('$argon2id$…');
  });

  it('keeps the wrapped params', () => {
    expect(limitHashing(slowHasher().hasher, { concurrency: 1, maxQueued: 0 }).params.memoryCost).toBe(
      19_456,
    );
  });
});

describe('limitHashing with no queue', () => {
  it('still runs work while a slot is free', async () => {
    const hasher: PasswordHasher = {
      params: { memoryCost: 19_456, timeCost: 2, parallelism: 1 },
      hash: async () => 'h',
      verify: async () => ({ ok: true, needsRehash: false }),
      verifyDummy: async () => undefined,
    };
    await expect(limitHashing(hasher, { concurrency: 2, maxQueued: 0 }).hash('x')).resolves.toBe('h');
  });
});
