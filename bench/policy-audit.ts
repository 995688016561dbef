/**
 * Benchmark (issue 4): authenticated record reads with the policy decision and the durable audit event, against
 * the same reads with both switched off, in the same run. Two server children built by the production
 * composition root on their own SQLite data directories: one normal, one with the core dependency of bench/baseline-records.ts
 * (every field allowed in plain, no audit event; reachable from code only). Both hold the same collection
 * (`secure`: name, email (searchable), ssn, phone, card number, all sensitive, plus one plain string) with the
 * same records, and are read the same way: GET /v1/collections/secure/records/{id}, an admin's access token,
 * `X-Access-Purpose: support`, masked (the default), cycling through the seeded records.
 * The admin rule allows plain and masked is asked for, so both sides decrypt and mask the same five fields and
 * answer the same bytes; the difference is one policy decision per field plus the audit event written (and
 * group-committed with `synchronous = FULL`) before each response. Sides alternate in short rounds, in reverse
 * order every other round; each figure is the median of its rounds, with the server CPU time per request.
 */
import type { BenchChild } from './child-handle.js';
import { type CpuWindow, cpuPerCompletion, cpuWindowOf, sampleCpu } from './cpu-sampler.js';
import { checkServer } from './latency-probe.js';
import { runLoad } from './load.js';
import { rateOf } from './rate.js';
import { apiClient, median, recordValues, seedCollection } from './records.js';
import type { BenchResult } from './report.js';

export const POLICY_AUDIT_TARGET_RATIO = 0.7;
const CONNECTIONS = 50;
const SEED_RECORDS = 400;
const PURPOSE = 'support';
const COLLECTION = 'secure';

type Side = 'normal' | 'baseline';
const SIDES: readonly Side[] = ['normal', 'baseline'];

export interface PolicyAuditServer {
  child: BenchChild;
  baseUrl: string;
  /** An admin's access token on that server (collections are admin-only). */
  adminAccessToken: string;
}

interface Round {
  perSecond: number;
  cpu: CpuWindow;
  latencyP99Ms: number;
}

/** Seeds both servers with the same records and measures masked reads on each in alternating rounds. */
export async function benchPolicyAudit(options: {
  normal: PolicyAuditServer;
  baseline: PolicyAuditServer;
  ca: Buffer;
  rounds: number;
  secondsPerRound: number;
}): Promise<BenchResult> {
  const { ca } = options;
  const servers: Record<Side, PolicyAuditServer> = { normal: options.normal, baseline: options.baseline };
  const values = recordValues(SEED_RECORDS, 1);
  const ids = {} as Record<Side, string[]>;
  for (const side of SIDES) {
    const server = servers[side];
    const api = apiClient(server.baseUrl, ca, server.adminAccessToken);
    try {
      ids[side] = await seedCollection(api, COLLECTION, values);
    } finally {
      api.close();
    }
  }

  const recordsPath = `/v1/collections/${COLLECTION}/records`;
  const setup = (side: Side) => {
    const server = servers[side];
    const list = ids[side];
    let n = 0;
    return {
      url: `${server.baseUrl}${recordsPath}/${list[0]}`,
      method: 'GET' as const,
      headers: { authorization: `Bearer ${server.adminAccessToken}`, 'x-access-purpose': PURPOSE },
      nextRequest: () => ({ path: `${recordsPath}/${list[n++ % list.length]}` }),
    };
  };
  const setups = { normal: setup('normal'), baseline: setup('baseline') };
  for (const side of SIDES) await checkServer(setups[side].url, ca, setups[side].headers);

  const rounds: Record<Side, Round[]> = { normal: [], baseline: [] };
  const failures: Record<Side, number> = { normal: 0, baseline: 0 };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order) {
      const { child } = servers[side];
      const stopSampling = new AbortController();
      const samples = sampleCpu(
        () => child.call({ kind: 'cpu-usage' }).then((usage) => usage.cpuMs),
        250,
        stopSampling.signal,
      );
      const load = await runLoad({
        ...setups[side],
        ca,
        connections: CONNECTIONS,
        seconds: options.secondsPerRound,
        warmupSeconds: round === 0 ? 2 : 0,
      }).finally(() => stopSampling.abort());
      rounds[side].push({
        perSecond: rateOf([load.window]),
        cpu: cpuWindowOf(await samples, load.okTimes),
        latencyP99Ms: load.latencyP99Ms,
      });
      failures[side] += load.non2xx + load.errors;
    }
  }

  const perSecond = (side: Side) => median(rounds[side].map((r) => r.perSecond));
  // Microseconds: a read costs a fraction of a millisecond.
  const cpuUs = (side: Side) => 1000 * median(rounds[side].map((r) => cpuPerCompletion([r.cpu])));
  const p99 = (side: Side) => median(rounds[side].map((r) => r.latencyP99Ms));
  const worstP99 = (side: Side) => Math.max(...rounds[side].map((r) => r.latencyP99Ms));
  const ratio = perSecond('normal') / perSecond('baseline');
  return {
    name: 'record read: policy + audit vs both off',
    measured: { value: perSecond('normal'), unit: 'req/s' },
    baseline: { value: perSecond('baseline'), unit: 'req/s' },
    ratio,
    cpuRatio: cpuUs('baseline') / cpuUs('normal'),
    target: `ratio >= ${POLICY_AUDIT_TARGET_RATIO}`,
    pass: ratio >= POLICY_AUDIT_TARGET_RATIO && failures.normal === 0 && failures.baseline === 0,
    details: {
      read: `GET ${recordsPath}/{id}, admin token, X-Access-Purpose: ${PURPOSE}, masked`,
      record: '5 sensitive fields (name, email searchable, ssn, phone, card_number) + 1 plain string',
      baseline: 'bench/baseline-records.ts: every field allowed in plain, no audit event',
      seedRecords: SEED_RECORDS,
      rounds: options.rounds,
      secondsPerRound: options.secondsPerRound,
      connections: CONNECTIONS,
      perRoundRatios: rounds.normal
        .map((r, i) => (r.perSecond / (rounds.baseline[i]?.perSecond ?? Number.NaN)).toFixed(2))
        .join(' '),
      cpuUsPerRequest: cpuUs('normal'),
      baselineCpuUsPerRequest: cpuUs('baseline'),
      latencyP99Ms: p99('normal'),
      baselineLatencyP99Ms: p99('baseline'),
      worstRoundLatencyP99Ms: worstP99('normal'),
      baselineWorstRoundLatencyP99Ms: worstP99('baseline'),
      failures: failures.normal,
      baselineFailures: failures.baseline,
    },
  };
}
