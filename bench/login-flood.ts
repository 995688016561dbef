/**
 * Benchmark 3: does the event loop stay responsive while a login flood keeps the argon2 pool saturated?
 * 200 connections post correct logins without pause; one separate, verifying client asks for /healthz every
 * 20 ms. The baseline is the same probe against the idle server.
 */
import { performance } from 'node:perf_hooks';
import type { BenchChild } from './child-handle.js';
import type { BenchUser } from './ipc.js';
import { probeLatency } from './latency-probe.js';
import { runLoad } from './load.js';
import { loginBodies } from './login-throughput.js';
import type { BenchResult } from './report.js';

export const FLOOD_TARGET_P99_MS = 50;
const FLOOD_CONNECTIONS = 200;
const PROBE_INTERVAL_MS = 20;

async function probeFor(url: string, ca: Buffer, seconds: number) {
  return probeLatency({
    url,
    ca,
    intervalMs: PROBE_INTERVAL_MS,
    signal: AbortSignal.timeout(seconds * 1000),
  });
}

/** Measures /healthz latency (and the server's event-loop delay) while 200 connections flood the login route. */
export async function benchLoginFlood(options: {
  serverChild: BenchChild;
  baseUrl: string;
  ca: Buffer;
  users: readonly BenchUser[];
  seconds: number;
}): Promise<BenchResult> {
  const healthUrl = `${options.baseUrl}/healthz`;
  const idle = await probeFor(healthUrl, options.ca, 3);

  const bodies = loginBodies(options.users);
  await options.serverChild.call({ kind: 'event-loop-start' });
  const probeStop = new AbortController();
  const floodStart = performance.now();
  const probe = probeLatency({
    url: healthUrl,
    ca: options.ca,
    intervalMs: PROBE_INTERVAL_MS,
    signal: probeStop.signal,
  });
  const flood = await runLoad({
    url: `${options.baseUrl}/v1/auth/login`,
    ca: options.ca,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    bodies: Array.from({ length: FLOOD_CONNECTIONS }, (_, i) => bodies[i % bodies.length] ?? ''),
    connections: FLOOD_CONNECTIONS,
    seconds: options.seconds,
    // Clients give up after 10 s and reconnect, as impatient real ones would; the server is not told, so an
    // abandoned login still costs its hash.
    timeoutSeconds: 10,
  }).finally(() => probeStop.abort());
  const busy = await probe;
  const loop = await options.serverChild.call({ kind: 'event-loop-stop' });

  return {
    name: 'GET /healthz p99 during login flood',
    measured: { value: busy.p99Ms, unit: 'ms' },
    baseline: { value: idle.p99Ms, unit: 'ms (idle)' },
    ratio: busy.p99Ms / idle.p99Ms,
    target: `p99 < ${FLOOD_TARGET_P99_MS} ms`,
    pass: busy.p99Ms < FLOOD_TARGET_P99_MS && busy.failures === 0,
    details: {
      floodConnections: FLOOD_CONNECTIONS,
      floodLoginsPerSecond: flood.okPerSecond,
      floodNon2xx: flood.non2xx,
      floodErrors: flood.errors,
      floodTimeouts: flood.timeouts,
      floodLoginLatencyP99Ms: flood.latencyP99Ms,
      // With 200 logins arriving at once, a server whose logins finish in arrival order answers the first within one
      // hash time; one that queues later work behind the whole backlog answers nothing until the backlog is done.
      floodFirstLoginAfterMs: (flood.okTimes[0] ?? Number.NaN) - floodStart,
      probeSamples: busy.samples,
      probeFailures: busy.failures,
      probeP50Ms: busy.p50Ms,
      probeMaxMs: busy.maxMs,
      idleProbeP50Ms: idle.p50Ms,
      eventLoopDelayP50Ms: loop.p50Ms,
      eventLoopDelayP99Ms: loop.p99Ms,
      eventLoopDelayMaxMs: loop.maxMs,
    },
  };
}
