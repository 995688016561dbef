import fs from 'node:fs';
import os from 'node:os';
import argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { deprioritizeWorkerThreads } from './thread-priority.js';

describe.skipIf(!fs.existsSync('/proc/self/task'))('deprioritizeWorkerThreads', () => {
  it('lowers every thread but the event loop, pool threads included', async () => {
    // Start the libuv pool.
    await argon2.hash('warm the pool', {
      type: argon2.argon2id,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    });
    const before = os.getPriority(process.pid);
    // Vitest workers may already run below 0 niceness; lower relative to the current value.
    const target = Math.min(before + 5, 19);
    expect(deprioritizeWorkerThreads(target)).toBeGreaterThan(0);
    expect(os.getPriority(process.pid)).toBe(before);
    const others = fs
      .readdirSync('/proc/self/task')
      .map(Number)
      .filter((tid) => tid !== process.pid);
    const lowered = others.filter((tid) => {
      try {
        return os.getPriority(tid) === target;
      } catch {
        return false;
      }
    });
    expect(lowered.length).toBeGreaterThan(0);
  });
});
