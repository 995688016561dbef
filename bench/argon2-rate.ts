/**
 * The raw argon2id limit of this machine: verifications per second through node-argon2 (on the libuv pool, so
 * the pool size set for this process decides how many cores are used), with the server's own parameters.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import argon2 from 'argon2';
import type { Config } from '../src/config.js';

export interface Argon2Rate {
  perSecond: number;
  completed: number;
  seconds: number;
}

/** Runs `concurrency` back-to-back verify loops for `seconds`; counts the verifications that finish in time. */
export async function measureArgon2Rate(options: {
  params: Readonly<Config['argon2']>;
  seconds: number;
  concurrency: number;
}): Promise<Argon2Rate> {
  const password = `bench-${randomBytes(9).toString('base64url')}`;
  const stored = await argon2.hash(password, {
    type: argon2.argon2id,
    ...options.params,
    hashLength: 32,
    salt: randomBytes(16),
  });
  const loop = async (deadline: number, onDone: () => void) => {
    while (performance.now() < deadline) {
      if (!(await argon2.verify(stored, password))) throw new Error('argon2 baseline: verification failed');
      if (performance.now() <= deadline) onDone();
    }
  };
  const runFor = async (seconds: number) => {
    let completed = 0;
    const start = performance.now();
    const deadline = start + seconds * 1000;
    await Promise.all(Array.from({ length: options.concurrency }, () => loop(deadline, () => completed++)));
    return { completed, seconds };
  };

  await runFor(1); // warm-up: first allocations of the 19 MiB blocks, page faults, CPU frequency ramp
  const { completed, seconds } = await runFor(options.seconds);
  return { perSecond: completed / seconds, completed, seconds };
}
