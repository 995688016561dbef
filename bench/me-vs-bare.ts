/**
 * Benchmark 2: requests per second of an authenticated GET /v1/me against a bare Fastify HTTPS route answering a
 * JSON object of the same shape. The difference is Strongroom's per-request cost: hooks, authentication (token
 * check, session and user lookups), response schema, security headers and the redacted log line.
 */
import { checkServer } from './latency-probe.js';
import { type LoadResult, runLoad } from './load.js';
import type { BenchResult } from './report.js';

export const ME_TARGET_RATIO = 0.6;

export async function benchMeVsBare(options: {
  strongroomUrl: string;
  bareUrl: string;
  ca: Buffer;
  accessToken: string;
  seconds: number;
}): Promise<BenchResult> {
  // Both servers get the same request bytes, token included.
  const headers = { authorization: `Bearer ${options.accessToken}` };
  const measure = async (url: string): Promise<LoadResult> => {
    await checkServer(url, options.ca, headers);
    return runLoad({ url, ca: options.ca, headers, connections: 50, seconds: options.seconds, warmupSeconds: 2 });
  };
  const bare = await measure(`${options.bareUrl}/v1/me`);
  const strongroom = await measure(`${options.strongroomUrl}/v1/me`);

  const ratio = strongroom.okPerSecond / bare.okPerSecond;
  return {
    name: 'GET /v1/me vs bare Fastify',
    measured: { value: strongroom.okPerSecond, unit: 'req/s' },
    baseline: { value: bare.okPerSecond, unit: 'req/s' },
    ratio,
    target: `ratio >= ${ME_TARGET_RATIO}`,
    pass: ratio >= ME_TARGET_RATIO && strongroom.non2xx === 0,
    details: {
      connections: 50,
      strongroomNon2xx: strongroom.non2xx,
      strongroomLatencyP99Ms: strongroom.latencyP99Ms,
      bareLatencyP99Ms: bare.latencyP99Ms,
    },
  };
}
