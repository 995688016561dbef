/**
 * Benchmark 1: successful logins per second over HTTPS against the raw argon2id limit of the machine.
 * Each login runs exactly one argon2id verification, so a server that added no cost would reach ratio 1.
 */
import type { BenchChild } from './child-handle.js';
import type { BenchUser } from './ipc.js';
import { runLoad } from './load.js';
import { checkServer } from './latency-probe.js';
import type { BenchResult } from './report.js';

export const LOGIN_TARGET_RATIO = 0.9;

/** Login request bodies, one per user. */
export function loginBodies(users: readonly BenchUser[]): string[] {
  return users.map((user) => JSON.stringify({ username: user.username, password: user.password }));
}

export async function benchLoginThroughput(options: {
  /** A child with the same threadpool size as the server's, used only for the baseline. */
  baselineChild: BenchChild;
  baseUrl: string;
  ca: Buffer;
  users: readonly BenchUser[];
  threadpoolSize: number;
  seconds: number;
}): Promise<BenchResult> {
  // Twice as many verifications in flight as pool threads, so no thread waits for the next job.
  const baseline = await options.baselineChild.call({
    kind: 'measure-argon2',
    seconds: options.seconds,
    concurrency: options.threadpoolSize * 2,
  });

  await checkServer(`${options.baseUrl}/healthz`, options.ca);
  // One connection per user (no account sees two logins at once), and enough of them to keep the pool busy
  // while other requests are parsed, answered and written to the database.
  const load = await runLoad({
    url: `${options.baseUrl}/v1/auth/login`,
    ca: options.ca,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    bodies: loginBodies(options.users),
    connections: options.users.length,
    seconds: options.seconds,
    warmupSeconds: 2,
  });

  const ratio = load.okPerSecond / baseline.perSecond;
  return {
    name: 'login throughput vs raw argon2id',
    measured: { value: load.okPerSecond, unit: 'logins/s' },
    baseline: { value: baseline.perSecond, unit: 'hashes/s' },
    ratio,
    target: `ratio >= ${LOGIN_TARGET_RATIO}`,
    pass: ratio >= LOGIN_TARGET_RATIO && load.non2xx === 0,
    details: {
      connections: options.users.length,
      loginsOk: load.ok,
      loginsNon2xx: load.non2xx,
      errors: load.errors,
      loginLatencyP99Ms: load.latencyP99Ms,
      hashesCompleted: baseline.completed,
      baselineConcurrency: options.threadpoolSize * 2,
      threadpoolSize: baseline.threadpoolSize,
    },
  };
}
