/**
 * The raw argon2id limit of this machine: verifications per second through node-argon2 (on the libuv pool, so
 * the pool size set for this process decides how many cores are used), with the server's own parameters.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import argon2 from 'argon2';
import type { Config } from '../src/config.js';
import { type CpuWindow, cpuWindowOf, sampleCpu } from './cpu-sampler.js';
import { type RateWindow, windowOf } from './rate.js';

export interface Argon2Window extends RateWindow {
  completed: number;
  /** CPU time of this process and the verifications it covers, in steady state. */
  cpu: CpuWindow;
}

const password = `bench-${randomBytes(9).toString('base64url')}`;
let stored: Promise<string> | undefined;

async function verifyLoops(concurrency: number, seconds: number): Promise<number[]> {
  const digest = await stored;
  if (digest === undefined) throw new Error('argon2 baseline: no hash');
  const times: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      if (!(await argon2.verify(digest, password))) throw new Error('argon2 baseline: verification failed');
      times.push(performance.now());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return times;
}

/** Runs `concurrency` back-to-back verify loops for `seconds` (after an untimed warm-up); returns the window. */
export async function measureArgon2Rate(options: {
  params: Readonly<Config['argon2']>;
  seconds: number;
  warmupSeconds: number;
  concurrency: number;
  readCpuMs: () => number;
}): Promise<Argon2Window> {
  stored ??= argon2.hash(password, {
    type: argon2.argon2id,
    ...options.params,
    hashLength: 32,
    salt: randomBytes(16),
  });
  if (options.warmupSeconds > 0) await verifyLoops(options.concurrency, options.warmupSeconds);
  const stopSampling = new AbortController();
  const samples = sampleCpu(options.readCpuMs, 200, stopSampling.signal);
  const times = await verifyLoops(options.concurrency, options.seconds).finally(() => stopSampling.abort());
  return {
    ...windowOf(times),
    completed: times.length,
    cpu: cpuWindowOf(await samples, times),
  };
}
