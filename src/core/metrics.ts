/**
 * Prometheus metrics: one registry per app instance (never prom-client's global default registry), so many apps in
 * one process (tests) do not collide. Invariant: every label value comes from a closed set (route pattern, method,
 * status code, outcome enum); never a user, username, record id, collection value or raw URL, so the exposition
 * cannot leak data or grow without bound. Updates are O(1) counter/histogram increments, cheap on the hot path.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type LoginOutcome = 'ok' | 'failed' | 'locked' | 'throttled';
export type RefusalKind = 'throttle' | 'quota';
export type CacheName = 'verified_token' | 'policy_decision';

export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** `route` must be Fastify's route pattern (routeOptions.url), or 'unmatched'; never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  login(outcome: LoginOutcome): void;
  refusal(kind: RefusalKind): void;
  cache(name: CacheName, hit: boolean): void;
  /** Registers a gauge read at scrape time (queue depths, dependency health): nothing runs on the hot path. */
  gauge(name: string, help: string, read: () => number): void;
  render(): Promise<string>;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'strongroom_' });
  const requests = new Counter({
    name: 'strongroom_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'strongroom_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const logins = new Counter({
    name: 'strongroom_logins_total',
    help: 'Login attempts by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'strongroom_refusals_total',
    help: 'Requests refused by a throttle or a quota',
    labelNames: ['kind'],
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'strongroom_cache_lookups_total',
    help: 'Cache lookups by cache and result (hit or miss)',
    labelNames: ['cache', 'result'],
    registers: [registry],
  });
  return {
    registry,
    contentType: registry.contentType,
    observeRequest(method, route, status, seconds) {
      const labels = { method: METHODS.has(method) ? method : 'OTHER', route, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    login: (outcome) => logins.inc({ outcome }),
    refusal: (kind) => refusals.inc({ kind }),
    cache: (name, hit) => cacheLookups.inc({ cache: name, result: hit ? 'hit' : 'miss' }),
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    },
    render: () => registry.metrics(),
  };
}
