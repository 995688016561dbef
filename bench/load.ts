/**
 * Load generation with autocannon against a loopback HTTPS server.
 *
 * TLS: autocannon 9 always connects with `rejectUnauthorized: false` (lib/httpClient.js spreads `tlsOptions` and
 * then overrides it), so the CA passed here cannot make it verify the certificate. That is acceptable only
 * because the target is a server this process started on 127.0.0.1; `checkServer` (latency-probe.ts) makes one
 * fully verified request against the same port before each load run.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  ca: Buffer;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** One body per connection, assigned round-robin; every request on a connection sends the same body. */
  bodies?: readonly string[];
  /** Seconds of untimed load first, so JIT warm-up and TLS handshakes are not measured. */
  warmupSeconds?: number;
}

export interface LoadResult {
  /** 2xx responses per second over the measured run. */
  okPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  latencyP99Ms: number;
}

function cannon(options: LoadOptions, seconds: number): Promise<autocannon.Result> {
  const bodies = options.bodies ?? [];
  let nextBody = 0;
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration: seconds,
    pipelining: 1,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    tlsOptions: { ca: options.ca },
    setupClient: (client) => {
      const body = bodies[nextBody++ % Math.max(bodies.length, 1)];
      if (body !== undefined) client.setBody(body);
    },
  });
}

/** Runs an optional warm-up and then the measured load; reports successful responses per second. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds !== undefined && options.warmupSeconds > 0) await cannon(options, options.warmupSeconds);
  const result = await cannon(options, options.seconds);
  return {
    okPerSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    latencyP99Ms: result.latency.p99,
  };
}
