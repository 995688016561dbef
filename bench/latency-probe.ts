/**
 * A low-rate, certificate-verifying HTTPS client: one keep-alive connection, one request at a time, a pause between
 * requests. Its latencies show how long a light request waits while the server is busy with something else.
 */
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  failures: number;
}

function get(agent: https.Agent, url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { agent, ca, timeout: 10_000 }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
      response.once('error', reject);
    });
    request.once('timeout', () => request.destroy(new Error('probe request timed out')));
    request.once('error', reject);
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Makes one request with full certificate verification against `ca`; throws unless it answers 200. */
export async function checkServer(
  url: string,
  ca: Buffer,
  headers: Record<string, string> = {},
): Promise<void> {
  const status = await new Promise<number>((resolve, reject) => {
    https
      .get(url, { ca, headers, agent: false }, (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      })
      .once('error', reject);
  });
  if (status !== 200) throw new Error(`GET ${url} answered ${status}`);
}

/** Requests `url` every `intervalMs` (plus its own latency) until `signal` aborts; summarises the latencies. */
export async function probeLatency(options: {
  url: string;
  ca: Buffer;
  intervalMs: number;
  signal: AbortSignal;
}): Promise<LatencySummary> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let failures = 0;
  try {
    await get(agent, options.url, options.ca); // the TLS handshake is not what is measured
    while (!options.signal.aborted) {
      const start = performance.now();
      try {
        const status = await get(agent, options.url, options.ca);
        if (status === 200) latencies.push(performance.now() - start);
        else failures++;
      } catch {
        failures++;
      }
      await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  return {
    samples: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    failures,
  };
}
