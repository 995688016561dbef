/**
 * The gauges read from the core at scrape time: hashing load, the audit queue, key rotation jobs, dependency
 * health and the seal. Each reads a counter the component already keeps, or one bounded query (key jobs, the
 * readiness checks with their 0.9 s deadline), so a scrape costs about what one admin request costs and a stalled
 * dependency cannot hang it. Labels are kinds and names from closed lists: never a job id or a key id.
 */
import type { KeyJobKind, KeyJobRow, KeyJobStatus } from '../storage/index.js';
import type { GaugeSample, Metrics } from './metrics.js';

/** The dependencies readiness checks (create-core.ts), as the `dependency` label's closed set. */
export const DEPENDENCIES = ['database', 'signing_key', 'audit', 'redis'] as const;

const JOB_KINDS: readonly KeyJobKind[] = ['master', 'collection', 'index'];
const JOB_STATUSES: readonly KeyJobStatus[] = ['running', 'completed', 'failed'];

export interface CoreMetricSources {
  hasher: { running(): number; queued(): number };
  audit: { pending(): number };
  /** The newest key jobs (bounded list). */
  keyJobs: () => Promise<readonly KeyJobRow[]>;
  /** Names of the dependencies that do not answer (readiness). */
  notReady: () => Promise<readonly string[]>;
  isSealed: () => boolean;
  /** Cumulative lookups of the per-node credential cache (sessions, API keys, their users). */
  credentialCache?: { stats(): { hits: number; misses: number; bypasses: number; size: number } };
}

/** `work`, or a rejection once `ms` have passed (a stalled database must not hold the scrape). */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('metrics: source did not answer in time')), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const SOURCE_DEADLINE_MS = 900;

function jobSamples(jobs: readonly KeyJobRow[]) {
  const counts: GaugeSample[] = [];
  const done: GaugeSample[] = [];
  const total: GaugeSample[] = [];
  for (const kind of JOB_KINDS) {
    const ofKind = jobs.filter((job) => job.kind === kind);
    for (const status of JOB_STATUSES) {
      counts.push({ labels: { kind, status }, value: ofKind.filter((job) => job.status === status).length });
    }
    const running = ofKind.filter((job) => job.status === 'running');
    done.push({ labels: { kind }, value: running.reduce((sum, job) => sum + job.done, 0) });
    total.push({ labels: { kind }, value: running.reduce((sum, job) => sum + job.total, 0) });
  }
  return { counts, done, total };
}

/** Registers the core's gauges on `metrics`. */
export function registerCoreMetrics(metrics: Metrics, sources: CoreMetricSources): void {
  metrics.gauge('strongroom_hash_running', 'Password hashes being computed', () => sources.hasher.running());
  metrics.gauge(
    'strongroom_hash_queue_depth',
    'Password hashes waiting for a slot (beyond STRONGROOM_HASH_QUEUE_LIMIT: 503 SERVICE_BUSY)',
    () => sources.hasher.queued(),
  );
  metrics.gauge(
    'strongroom_audit_queue_depth',
    'Audit events waiting for their batch to commit (beyond STRONGROOM_AUDIT_QUEUE_LIMIT: 503 SERVICE_BUSY)',
    () => sources.audit.pending(),
  );
  metrics.gauge('strongroom_sealed', '1 while the root key is sealed, else 0', () =>
    sources.isSealed() ? 1 : 0,
  );
  const credentials = sources.credentialCache;
  if (credentials !== undefined) {
    metrics.totals({
      name: 'strongroom_credential_cache_lookups_total',
      help: 'Credential cache lookups: hit, miss, or bypass (the revocation channel was down: read from the database)',
      labels: { result: ['hit', 'miss', 'bypass'] },
      read: () => {
        const { hits, misses, bypasses } = credentials.stats();
        return [
          { labels: { result: 'hit' }, value: hits },
          { labels: { result: 'miss' }, value: misses },
          { labels: { result: 'bypass' }, value: bypasses },
        ];
      },
    });
    metrics.gauge(
      'strongroom_credential_cache_entries',
      'Rows in the credential cache',
      () => credentials.stats().size,
    );
  }
  metrics.labelledGauge({
    name: 'strongroom_dependency_up',
    help: '1 when the dependency answers within 0.9 s (as /readyz checks it), else 0',
    labels: { dependency: DEPENDENCIES },
    async read() {
      const failing = new Set(await sources.notReady());
      return DEPENDENCIES.map((dependency) => ({
        labels: { dependency },
        value: failing.has(dependency) ? 0 : 1,
      }));
    },
  });
  // One query serves the three job gauges of a scrape (they are collected one after another).
  let pending: Promise<ReturnType<typeof jobSamples>> | null = null;
  const samples = () => {
    pending ??= within(sources.keyJobs(), SOURCE_DEADLINE_MS)
      .then(jobSamples)
      .finally(() => {
        setImmediate(() => {
          pending = null;
        });
      });
    return pending;
  };
  const kindSet = { kind: JOB_KINDS };
  metrics.labelledGauge({
    name: 'strongroom_key_jobs',
    help: 'Key rotation jobs among the newest 50, by kind and status',
    labels: { ...kindSet, status: JOB_STATUSES },
    read: async () => (await samples()).counts,
  });
  metrics.labelledGauge({
    name: 'strongroom_key_job_items_done',
    help: 'Items (records or data keys) running key rotation jobs have finished, by kind',
    labels: kindSet,
    read: async () => (await samples()).done,
  });
  metrics.labelledGauge({
    name: 'strongroom_key_job_items_total',
    help: 'Items (records or data keys) running key rotation jobs have to do, by kind',
    labels: kindSet,
    read: async () => (await samples()).total,
  });
}
