/**
 * Benchmark 1: successful logins per second over HTTPS against the raw argon2id limit of the machine.
 * Each login runs exactly one argon2id verification, so a server that added no cost would reach ratio 1.
 *
 * Baseline and logins alternate in short rounds, so a change in background load (a shared machine, CPU
 * frequency) affects both sides alike, and each login round is followed by a wait until the server is idle,
 * because logins still in flight when the client stops keep hashing and would slow the next baseline round.
 * Besides the rates, the CPU time per hash and per login is reported: their ratio is the share of the server's
 * CPU that argon2 gets, which is what the throughput ratio converges to on an otherwise idle machine.
 */
import type { BenchChild } from './child-handle.js';
import { type CpuWindow, cpuPerCompletion, cpuWindowOf, sampleCpu, waitForIdle } from './cpu-sampler.js';
import type { BenchUser } from './ipc.js';
import { checkServer } from './latency-probe.js';
import { runLoad } from './load.js';
import { type RateWindow, rateOf } from './rate.js';
import type { BenchResult } from './report.js';

export const LOGIN_TARGET_RATIO = 0.9;
const CPU_SAMPLE_MS = 200;
// V8 optimizes the login path only after several hundred logins: after a 2 s warm-up (about 160 logins on two
// cores) the server's CPU per login still fell by 7% from the first measured round to the fourth. 8 s (about 650
// logins) measures the steady state a running server is in.
const LOGIN_WARMUP_SECONDS = 8;

/** Login request bodies, one per user. */
export function loginBodies(users: readonly BenchUser[]): string[] {
  return users.map((user) => JSON.stringify({ username: user.username, password: user.password }));
}

/** Measures logins/s over HTTPS and argon2id verifications/s in alternating rounds; returns their ratio. */
export async function benchLoginThroughput(options: {
  /** A child with the same threadpool size as the server's, used only for the baseline. */
  baselineChild: BenchChild;
  serverChild: BenchChild;
  baseUrl: string;
  ca: Buffer;
  users: readonly BenchUser[];
  threadpoolSize: number;
  rounds: number;
  secondsPerRound: number;
}): Promise<BenchResult> {
  await checkServer(`${options.baseUrl}/healthz`, options.ca);
  const serverCpuMs = () => options.serverChild.call({ kind: 'cpu-usage' }).then((usage) => usage.cpuMs);
  // Twice as many verifications in flight as pool threads, so no thread waits for its next job.
  const concurrency = options.threadpoolSize * 2;
  const hashWindows: RateWindow[] = [];
  const loginWindows: RateWindow[] = [];
  const hashCpu: CpuWindow[] = [];
  const loginCpu: CpuWindow[] = [];
  const totals = { hashes: 0, logins: 0, non2xx: 0, errors: 0, latencyP99Ms: 0 };
  for (let round = 0; round < options.rounds; round++) {
    const first = round === 0;
    const hashes = await options.baselineChild.call({
      kind: 'measure-argon2',
      seconds: options.secondsPerRound,
      warmupSeconds: first ? 1 : 0,
      concurrency,
    });
    hashWindows.push(hashes);
    hashCpu.push(hashes.cpu);
    totals.hashes += hashes.completed;

    const stopSampling = new AbortController();
    const samples = sampleCpu(serverCpuMs, CPU_SAMPLE_MS, stopSampling.signal);
    // One connection per user (no account sees two logins at once), and enough of them to keep the pool busy
    // while other requests are parsed, answered and written to the database.
    const logins = await runLoad({
      url: `${options.baseUrl}/v1/auth/login`,
      ca: options.ca,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      bodies: loginBodies(options.users),
      connections: options.users.length,
      seconds: options.secondsPerRound,
      warmupSeconds: first ? LOGIN_WARMUP_SECONDS : 0,
    }).finally(() => stopSampling.abort());
    loginCpu.push(cpuWindowOf(await samples, logins.okTimes));
    await waitForIdle(serverCpuMs);
    loginWindows.push(logins.window);
    totals.logins += logins.ok;
    totals.non2xx += logins.non2xx;
    totals.errors += logins.errors;
    totals.latencyP99Ms = Math.max(totals.latencyP99Ms, logins.latencyP99Ms);
  }

  const hashesPerSecond = rateOf(hashWindows);
  const loginsPerSecond = rateOf(loginWindows);
  const ratio = loginsPerSecond / hashesPerSecond;
  const cpuMsPerHash = cpuPerCompletion(hashCpu);
  const cpuMsPerLogin = cpuPerCompletion(loginCpu);
  return {
    name: 'login throughput vs raw argon2id',
    measured: { value: loginsPerSecond, unit: 'logins/s' },
    baseline: { value: hashesPerSecond, unit: 'hashes/s' },
    ratio,
    cpuRatio: cpuMsPerHash / cpuMsPerLogin,
    target: `ratio >= ${LOGIN_TARGET_RATIO}`,
    pass: ratio >= LOGIN_TARGET_RATIO && totals.non2xx === 0 && totals.errors === 0,
    details: {
      rounds: options.rounds,
      connections: options.users.length,
      loginsOk: totals.logins,
      loginsNon2xx: totals.non2xx,
      loginErrors: totals.errors,
      worstRoundLoginLatencyP99Ms: totals.latencyP99Ms,
      hashesCompleted: totals.hashes,
      baselineConcurrency: concurrency,
      threadpoolSize: options.threadpoolSize,
      perRoundRatios: loginWindows
        .map((w, i) => (rateOf([w]) / rateOf([hashWindows[i] ?? w])).toFixed(2))
        .join(' '),
      baselineCpuMsPerHash: cpuMsPerHash,
      serverCpuMsPerLogin: cpuMsPerLogin,
      perRoundCpuMsPerLogin: loginCpu.map((w) => cpuPerCompletion([w]).toFixed(1)).join(' '),
    },
  };
}
