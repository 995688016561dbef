/**
 * Benchmark 2: requests per second of an authenticated GET /v1/me against a bare Fastify HTTPS route answering a
 * JSON object of the same shape. The difference is Strongroom's per-request cost: hooks, authentication (token
 * check, session and user lookups), response schema, security headers and the redacted log line.
 * The two servers alternate in short rounds (see login-throughput.ts for why).
 */
import { checkServer } from './latency-probe.js';
import { runLoad } from './load.js';
import type { BenchResult } from './report.js';

export const ME_TARGET_RATIO = 0.6;
const CONNECTIONS = 50;

export async function benchMeVsBare(options: {
  strongroomUrl: string;
  bareUrl: string;
  ca: Buffer;
  accessToken: string;
  rounds: number;
  secondsPerRound: number;
}): Promise<BenchResult> {
  // Both servers get the same request bytes, token included.
  const headers = { authorization: `Bearer ${options.accessToken}` };
  const targets = { bare: `${options.bareUrl}/v1/me`, strongroom: `${options.strongroomUrl}/v1/me` };
  const totals = {
    bare: { ok: 0, seconds: 0, non2xx: 0, latencyP99Ms: 0 },
    strongroom: { ok: 0, seconds: 0, non2xx: 0, latencyP99Ms: 0 },
  };
  for (const url of Object.values(targets)) await checkServer(url, options.ca, headers);
  for (let round = 0; round < options.rounds; round++) {
    for (const side of ['bare', 'strongroom'] as const) {
      const load = await runLoad({
        url: targets[side],
        ca: options.ca,
        headers,
        connections: CONNECTIONS,
        seconds: options.secondsPerRound,
        warmupSeconds: round === 0 ? 2 : 0,
      });
      const total = totals[side];
      total.ok += load.ok;
      total.seconds += load.seconds;
      total.non2xx += load.non2xx + load.errors;
      total.latencyP99Ms = Math.max(total.latencyP99Ms, load.latencyP99Ms);
    }
  }

  const bare = totals.bare.ok / totals.bare.seconds;
  const strongroom = totals.strongroom.ok / totals.strongroom.seconds;
  const ratio = strongroom / bare;
  return {
    name: 'GET /v1/me vs bare Fastify',
    measured: { value: strongroom, unit: 'req/s' },
    baseline: { value: bare, unit: 'req/s' },
    ratio,
    target: `ratio >= ${ME_TARGET_RATIO}`,
    pass: ratio >= ME_TARGET_RATIO && totals.strongroom.non2xx === 0,
    details: {
      rounds: options.rounds,
      connections: CONNECTIONS,
      strongroomFailures: totals.strongroom.non2xx,
      strongroomWorstRoundLatencyP99Ms: totals.strongroom.latencyP99Ms,
      bareWorstRoundLatencyP99Ms: totals.bare.latencyP99Ms,
    },
  };
}
