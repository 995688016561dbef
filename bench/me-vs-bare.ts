/**
 * Benchmark 2: requests per second of an authenticated GET /v1/me against a bare Fastify HTTPS route answering a
 * JSON object of the same shape. The difference is Strongroom's per-request cost: hooks, authentication (token
 * check; the session and user come from the credential cache, src/auth/credential-cache.ts, after the first
 * request), response schema, security headers and the redacted log line.
 * The two servers alternate in short rounds (see login-throughput.ts for why); each runs in its own child, so
 * the server CPU time per request is reported too, which also holds when the load generator is the bottleneck.
 */
import type { BenchChild } from './child-handle.js';
import { type CpuWindow, cpuPerCompletion, cpuWindowOf, sampleCpu } from './cpu-sampler.js';
import { checkServer } from './latency-probe.js';
import { runLoad } from './load.js';
import type { BenchResult } from './report.js';

export const ME_TARGET_RATIO = 0.6;
const CONNECTIONS = 50;

interface Side {
  child: BenchChild;
  url: string;
}

/** Measures GET /v1/me on Strongroom and on a bare Fastify route in alternating rounds; returns their ratio. */
export async function benchMeVsBare(options: {
  strongroom: Side;
  bare: Side;
  ca: Buffer;
  accessToken: string;
  rounds: number;
  secondsPerRound: number;
}): Promise<BenchResult> {
  // Both servers get the same request bytes, token included.
  const headers = { authorization: `Bearer ${options.accessToken}` };
  const sides = { bare: options.bare, strongroom: options.strongroom };
  const totals = {
    bare: { ok: 0, seconds: 0, failures: 0, latencyP99Ms: 0, cpu: [] as CpuWindow[] },
    strongroom: { ok: 0, seconds: 0, failures: 0, latencyP99Ms: 0, cpu: [] as CpuWindow[] },
  };
  for (const side of Object.values(sides)) await checkServer(side.url, options.ca, headers);
  for (let round = 0; round < options.rounds; round++) {
    for (const name of ['bare', 'strongroom'] as const) {
      const side = sides[name];
      const stopSampling = new AbortController();
      const readCpuMs = () => side.child.call({ kind: 'cpu-usage' }).then((usage) => usage.cpuMs);
      const samples = sampleCpu(readCpuMs, 250, stopSampling.signal);
      const load = await runLoad({
        url: side.url,
        ca: options.ca,
        headers,
        connections: CONNECTIONS,
        seconds: options.secondsPerRound,
        warmupSeconds: round === 0 ? 2 : 0,
      }).finally(() => stopSampling.abort());
      const total = totals[name];
      total.cpu.push(cpuWindowOf(await samples, load.okTimes));
      total.ok += load.ok;
      total.seconds += load.seconds;
      total.failures += load.non2xx + load.errors;
      total.latencyP99Ms = Math.max(total.latencyP99Ms, load.latencyP99Ms);
    }
  }

  const perSecond = (name: keyof typeof totals) => totals[name].ok / totals[name].seconds;
  const cpuPerRequest = (name: keyof typeof totals) => cpuPerCompletion(totals[name].cpu);
  const ratio = perSecond('strongroom') / perSecond('bare');
  return {
    name: 'GET /v1/me vs bare Fastify',
    measured: { value: perSecond('strongroom'), unit: 'req/s' },
    baseline: { value: perSecond('bare'), unit: 'req/s' },
    ratio,
    cpuRatio: cpuPerRequest('bare') / cpuPerRequest('strongroom'),
    target: `ratio >= ${ME_TARGET_RATIO}`,
    pass: ratio >= ME_TARGET_RATIO && totals.strongroom.failures === 0,
    details: {
      rounds: options.rounds,
      connections: CONNECTIONS,
      strongroomFailures: totals.strongroom.failures,
      strongroomWorstRoundLatencyP99Ms: totals.strongroom.latencyP99Ms,
      bareWorstRoundLatencyP99Ms: totals.bare.latencyP99Ms,
      // Microseconds: the milliseconds of before rounded two requests' difference away.
      strongroomCpuUsPerRequest: Math.round(cpuPerRequest('strongroom') * 10_000) / 10,
      bareCpuUsPerRequest: Math.round(cpuPerRequest('bare') * 10_000) / 10,
    },
  };
}
