/**
 * Load generation with autocannon against a loopback HTTPS server.
 *
 * TLS: autocannon 9 always connects with `rejectUnauthorized: false` (lib/httpClient.js spreads `tlsOptions` and
 * then overrides it), so the CA passed here cannot make it verify the certificate. That is acceptable only
 * because the target is a server this benchmark started on 127.0.0.1; `checkServer` (latency-probe.ts) makes one
 * fully verified request against the same port before each load run.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { type RateWindow, windowOf } from './rate.js';

export interface LoadOptions {
  url: string;
  ca: Buffer;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** One body per connection, assigned round-robin; every request on a connection sends the same body. */
  bodies?: readonly string[];
  /** Called for every request: its path (default: the URL's) and body (default: `bodies`); for distinct requests. */
  nextRequest?: () => { path?: string; body?: string };
  /** Seconds of untimed load first, so JIT warm-up and TLS handshakes are not measured. */
  warmupSeconds?: number;
  /** Seconds before a request is abandoned (autocannon's default is 10). */
  timeoutSeconds?: number;
}

export interface LoadResult {
  /** 2xx responses per second over the measured run. */
  okPerSecond: number;
  /** First to last 2xx response: see rate.ts. */
  window: RateWindow;
  /** `performance.now()` of each 2xx response. */
  okTimes: number[];
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  latencyP99Ms: number;
}

function cannon(options: LoadOptions, seconds: number, okTimes: number[]): Promise<autocannon.Result> {
  const bodies = options.bodies ?? [];
  let nextBody = 0;
  const { nextRequest } = options;
  // autocannon rebuilds a request whose `setupRequest` is a function before each send, and reuses it otherwise.
  const requests =
    nextRequest === undefined
      ? {}
      : { requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, ...nextRequest() }) }] };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: seconds,
        pipelining: 1,
        timeout: options.timeoutSeconds ?? 10,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        tlsOptions: { ca: options.ca },
        ...requests,
        setupClient: (client) => {
          const body = bodies[nextBody++ % Math.max(bodies.length, 1)];
          if (body !== undefined) client.setBody(body);
        },
      },
      (error: unknown, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, statusCode) => {
      if (statusCode >= 200 && statusCode < 300) okTimes.push(performance.now());
    });
  });
}

/** Runs an optional warm-up and then the measured load; reports successful responses per second. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds !== undefined && options.warmupSeconds > 0) {
    await cannon(options, options.warmupSeconds, []);
  }
  const okTimes: number[] = [];
  const result = await cannon(options, options.seconds, okTimes);
  return {
    okPerSecond: result['2xx'] / result.duration,
    window: windowOf(okTimes),
    okTimes,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    latencyP99Ms: result.latency.p99,
  };
}
