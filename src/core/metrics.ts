/**
 * Prometheus metrics: one registry per app instance (never prom-client's global default registry), so many apps in
 * one process (tests) do not collide. Invariant: every label value comes from a closed set, enforced here and not
 * left to callers: the route is one of the patterns registered with `knowRoute` (Fastify's routeOptions.url) or
 * `unmatched`, the method one of the HTTP methods or `OTHER`, the status a number from 100 to 599 or `other`, and
 * every other label one of the enums below; a sample with any other value is dropped. So the exposition never
 * carries a user, username, record id, collection value or raw URL, and it cannot grow without bound.
 * Updates are O(1) counter/histogram increments, cheap on the hot path; gauges are read at scrape time.
 * Threat addressed: an exposition that leaks data or identifiers to whoever scrapes it (it is still guarded by the
 * `read_metrics` action: route counts say what the service is used for).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const LOGIN_OUTCOMES = [
  'ok',
  'failed',
  'throttled',
  'rate_limited',
  'busy',
  'unavailable',
  'invalid',
  'error',
] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];
export const REFUSAL_KINDS = ['throttle', 'quota'] as const;
export type RefusalKind = (typeof REFUSAL_KINDS)[number];
export const CACHE_NAMES = ['verified_token', 'data_key'] as const;
export type CacheName = (typeof CACHE_NAMES)[number];

/** One sample of a labelled gauge; `labels` values must be in the gauge's declared sets. */
export interface GaugeSample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** A labelled gauge: each label's closed set of values, and the reader called at scrape time. */
export interface LabelledGauge {
  name: string;
  help: string;
  labels: Readonly<Record<string, readonly string[]>>;
  read: () => Promise<readonly GaugeSample[]> | readonly GaugeSample[];
}

export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** Adds a route pattern to the set the `route` label may take (plugins/metrics.ts, as each route registers). */
  knowRoute(pattern: string): void;
  /** `route` must be Fastify's route pattern (routeOptions.url); anything not registered counts as 'unmatched'. */
  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void;
  login(outcome: LoginOutcome): void;
  refusal(kind: RefusalKind): void;
  cache(name: CacheName, hit: boolean): void;
  /** One audit batch's durable commit: how long it took and whether it committed. */
  auditCommit(seconds: number, ok: boolean): void;
  /** Registers a gauge read at scrape time (queue depths): nothing runs on the hot path. */
  gauge(name: string, help: string, read: () => number): void;
  /** Registers a labelled gauge read at scrape time; a failing reader leaves the gauge empty for that scrape. */
  labelledGauge(gauge: LabelledGauge): void;
  /** Registers a counter whose totals a component keeps itself (read at scrape time, labels checked alike). */
  totals(counter: LabelledGauge): void;
  render(): Promise<string>;
}

const METHOD_INDEX = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'OTHER'];
const METHODS = new Set(METHOD_INDEX.slice(0, -1));
const UNMATCHED = 'unmatched';

const isStatus = (status: number): boolean => Number.isInteger(status) && status >= 100 && status <= 599;

function statusLabel(status: number): string {
  return isStatus(status) ? String(status) : 'other';
}

function inSets(labels: Readonly<Record<string, string>>, sets: LabelledGauge['labels']): boolean {
  const names = Object.keys(sets);
  if (Object.keys(labels).length !== names.length) return false;
  return names.every((name) => {
    const value = labels[name];
    return value !== undefined && (sets[name] ?? []).includes(value);
  });
}

function oneOf<T extends string>(value: T, allowed: readonly T[]): boolean {
  return allowed.includes(value);
}

/** The fixed instruments of every node; their labels are the closed sets above. */
function createInstruments(registers: Registry[]) {
  const requests = new Counter({
    name: 'strongroom_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const latency = new Histogram({
    name: 'strongroom_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const logins = new Counter({
    name: 'strongroom_logins_total',
    help: 'Password logins by outcome',
    labelNames: ['outcome'],
    registers,
  });
  const refusals = new Counter({
    name: 'strongroom_refusals_total',
    help: 'Requests refused by a login/password throttle (429 TOO_MANY_ATTEMPTS) or a quota (429 RATE_LIMITED)',
    labelNames: ['kind'],
    registers,
  });
  const cacheLookups = new Counter({
    name: 'strongroom_cache_lookups_total',
    help: 'Cache lookups by cache and result (hit or miss)',
    labelNames: ['cache', 'result'],
    registers,
  });
  const auditCommits = new Histogram({
    name: 'strongroom_audit_commit_duration_seconds',
    help: 'Durable commit of one batch of audit events, by result',
    labelNames: ['result'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  return { requests, latency, logins, refusals, cacheLookups, auditCommits };
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  // Process CPU, memory, GC and event-loop lag (strongroom_nodejs_eventloop_lag_seconds and its percentiles).
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'strongroom_' });
  const routes = new Set<string>();
  const registers = [registry];
  const { requests, latency, logins, refusals, cacheLookups, auditCommits } = createInstruments(registers);
  // The label children of each (route, method, status) seen: bounded, as each label is from a closed set.
  const requestChildren = new Map<
    string,
    Map<number, { count: { inc(): void }; latency: { observe(seconds: number): void } }>
  >();
  const cacheChildren = new Map(
    CACHE_NAMES.map((name) => [
      name,
      { hit: cacheLookups.labels(name, 'hit'), miss: cacheLookups.labels(name, 'miss') },
    ]),
  );
  return {
    registry,
    contentType: registry.contentType,
    knowRoute: (pattern) => void routes.add(pattern),
    observeRequest(method, route, status, seconds) {
      const methodLabel = METHODS.has(method) ? method : 'OTHER';
      const routeLabel = route !== undefined && routes.has(route) ? route : UNMATCHED;
      // Looked up without building a label object or key: route, then method and status (numbers, no strings).
      let ofRoute = requestChildren.get(routeLabel);
      if (ofRoute === undefined) {
        ofRoute = new Map();
        requestChildren.set(routeLabel, ofRoute);
      }
      const slot = (isStatus(status) ? status : 0) * 8 + METHOD_INDEX.indexOf(methodLabel);
      let child = ofRoute.get(slot);
      if (child === undefined) {
        const labels = { method: methodLabel, route: routeLabel, status: statusLabel(status) };
        child = { count: requests.labels(labels), latency: latency.labels(labels) };
        ofRoute.set(slot, child);
      }
      child.count.inc();
      child.latency.observe(seconds);
    },
    login: (outcome) => {
      if (oneOf(outcome, LOGIN_OUTCOMES)) logins.inc({ outcome });
    },
    refusal: (kind) => {
      if (oneOf(kind, REFUSAL_KINDS)) refusals.inc({ kind });
    },
    cache: (name, hit) => {
      const child = cacheChildren.get(name);
      if (child !== undefined) (hit ? child.hit : child.miss).inc();
    },
    auditCommit: (seconds, ok) => auditCommits.observe({ result: ok ? 'ok' : 'failed' }, seconds),
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    },
    labelledGauge(spec) {
      new Gauge({
        name: spec.name,
        help: spec.help,
        labelNames: Object.keys(spec.labels),
        registers,
        async collect() {
          this.reset();
          let samples: readonly GaugeSample[];
          try {
            samples = await spec.read();
          } catch {
            return;
          }
          for (const sample of samples) {
            if (inSets(sample.labels, spec.labels)) this.set({ ...sample.labels }, sample.value);
          }
        },
      });
    },
    totals(spec) {
      new Counter({
        name: spec.name,
        help: spec.help,
        labelNames: Object.keys(spec.labels),
        registers,
        async collect() {
          const samples = await spec.read();
          this.reset();
          for (const sample of samples) {
            if (inSets(sample.labels, spec.labels)) this.inc({ ...sample.labels }, sample.value);
          }
        },
      });
    },
    render: () => registry.metrics(),
  };
}
