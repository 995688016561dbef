/**
 * Benchmark 5: encrypted records through the API. Two collections with the same six fields, `secure` (name, email
 * (searchable), ssn, phone and card number, all sensitive, plus one plain string) and `plain` (the same types, none
 * sensitive), on one Strongroom server, with the same request bytes: requests per second of
 * - writes: POST /v1/collections/{c}/records, every request a different realistic record (seeded generator);
 * - reads: GET /v1/collections/{c}/records/{id} of records created beforehand, masked (the default), and on
 *   `secure` also with all five fields revealed (admin).
 * The difference is what sensitivity costs per record: AES-256-GCM per field, the blind index row, decryption and
 * masking. The workloads alternate in short rounds, in reverse order every other round, so drifting background load
 * or a WAL checkpoint affects every side alike; each figure is the median of its rounds, and the server CPU time per
 * request (all its threads) is reported beside it, as in me-vs-bare.ts.
 */
import https from 'node:https';
import { isValidSsn, passesLuhn } from '@strongroom/redact';
import type { BenchChild } from './child-handle.js';
import { type CpuWindow, cpuPerCompletion, cpuWindowOf, sampleCpu } from './cpu-sampler.js';
import { checkServer } from './latency-probe.js';
import { runLoad } from './load.js';
import { rateOf } from './rate.js';
import type { BenchResult } from './report.js';

export const RECORDS_TARGET_RATIO = 0.8;
const CONNECTIONS = 50;
/** Records created in each collection before the rounds; the reads cycle through them. */
const SEED_RECORDS = 512;
const SEED_CONCURRENCY = 16;
/** Distinct write bodies, cycled; both collections get the same sequence. */
const BODY_POOL = 4096;
const SENSITIVE_FIELDS = [
  { name: 'name', type: 'name' },
  { name: 'email', type: 'email', searchable: true },
  { name: 'ssn', type: 'ssn' },
  { name: 'phone', type: 'phone' },
  { name: 'card', type: 'card_number' },
] as const;
const REVEAL_ALL = `?reveal=${SENSITIVE_FIELDS.map((f) => f.name).join(',')}`;

type CollectionName = 'secure' | 'plain';
type Workload = 'plain-write' | 'secure-write' | 'plain-read' | 'secure-read' | 'secure-reveal';
const WORKLOADS: readonly Workload[] = [
  'plain-write',
  'secure-write',
  'plain-read',
  'secure-read',
  'secure-reveal',
];

/** The collection declaration: the same fields and types, sensitive (email searchable) or not at all. */
export function collectionFields(sensitive: boolean) {
  return [
    ...SENSITIVE_FIELDS.map((f) => ({
      name: f.name,
      type: f.type,
      sensitive,
      searchable: sensitive && 'searchable' in f,
      required: true,
    })),
    { name: 'tenant_id', type: 'string', sensitive: false, searchable: false, required: true },
  ];
}

/** mulberry32: a small seeded generator, so every run writes the same records. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Maria', 'James', 'Aisha', 'Wei', 'Olivia', 'Mateo', 'Priya', 'Lukas', 'Chloé', 'Sipho'];
const LAST = ['Gonzalez', 'Smith', 'Okafor', 'Chen', 'Johnson', 'Novak', 'Sharma', 'Schneider', 'Dubois'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net'];

/** `count` distinct records with values every field type accepts (valid SSNs, Luhn-valid card numbers). */
export function recordValues(count: number, seed = 1): Array<Record<string, string>> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  return Array.from({ length: count }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    let ssn = digits(9);
    while (!isValidSsn(ssn)) ssn = digits(9);
    const pan = `4${digits(14)}`;
    const check = [...'0123456789'].find((d) => passesLuhn(pan + d)) ?? '0';
    return {
      name: `${first} ${last}`,
      email: `${first.normalize('NFD').replace(/[^A-Za-z]/g, '')}.${last}${i}@${pick(DOMAINS)}`.toLowerCase(),
      ssn: `${ssn.slice(0, 3)}-${ssn.slice(3, 5)}-${ssn.slice(5)}`,
      phone: `+1${pick(['415', '212', '617', '312'])}555${digits(4)}`,
      card: pan + check,
      tenant_id: `tenant-${i % 8}`,
    };
  });
}

export interface Api {
  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: string }>;
  close(): void;
}

/** A certificate-verifying keep-alive client for setup requests (collections, seed records). */
export function apiClient(baseUrl: string, ca: Buffer, accessToken: string): Api {
  const agent = new https.Agent({ keepAlive: true, maxSockets: SEED_CONCURRENCY, ca });
  return {
    call: (method, path, body) =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const request = https.request(
          `${baseUrl}${path}`,
          {
            method,
            agent,
            headers: {
              authorization: `Bearer ${accessToken}`,
              ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.once('end', () =>
              resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
            );
            response.once('error', reject);
          },
        );
        request.once('error', reject);
        request.end(payload);
      }),
    close: () => agent.destroy(),
  };
}

/** Creates the collection and `values.length` records in it; returns their ids in order. */
export async function seedCollection(
  api: Api,
  name: CollectionName,
  values: ReadonlyArray<Record<string, string>>,
): Promise<string[]> {
  const created = await api.call('POST', '/v1/collections', {
    name,
    fields: collectionFields(name === 'secure'),
  });
  if (created.status !== 201) throw new Error(`creating collection ${name} answered ${created.status}`);
  const ids: string[] = new Array(values.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < values.length; i = next++) {
      const response = await api.call('POST', `/v1/collections/${name}/records`, { fields: values[i] });
      if (response.status !== 201) throw new Error(`seeding ${name} answered ${response.status}`);
      ids[i] = (JSON.parse(response.body) as { id: string }).id;
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  return ids;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface Round {
  perSecond: number;
  cpu: CpuWindow;
}

interface Totals {
  rounds: Round[];
  failures: number;
  latencyP99Ms: number;
}

/**
 * Measures record writes and reads on a `secure` and a `plain` collection of the same server in alternating
 * rounds; returns the write ratio and the read ratio (masked; all-revealed reads in its details).
 */
export async function benchRecords(options: {
  child: BenchChild;
  baseUrl: string;
  ca: Buffer;
  /** An admin's access token: collections are admin-only, and reveal needs admin or creator. */
  adminAccessToken: string;
  rounds: number;
  secondsPerRound: number;
}): Promise<BenchResult[]> {
  const { baseUrl, ca } = options;
  const api = apiClient(baseUrl, ca, options.adminAccessToken);
  const seedValues = recordValues(SEED_RECORDS, 1);
  const ids: Record<CollectionName, string[]> = { secure: [], plain: [] };
  try {
    ids.plain = await seedCollection(api, 'plain', seedValues);
    ids.secure = await seedCollection(api, 'secure', seedValues);
  } finally {
    api.close();
  }

  const authorization = `Bearer ${options.adminAccessToken}`;
  // Sensitive values are shown only to a caller who states the purpose of the access.
  const purpose = { 'x-access-purpose': 'support' };
  const writeBodies = recordValues(BODY_POOL, 2).map((fields) => JSON.stringify({ fields }));
  const recordsPath = (c: CollectionName) => `/v1/collections/${c}/records`;
  const workload = (name: Workload) => {
    const collection: CollectionName = name.startsWith('secure') ? 'secure' : 'plain';
    let n = 0;
    if (name.endsWith('write')) {
      return {
        url: `${baseUrl}${recordsPath(collection)}`,
        method: 'POST' as const,
        headers: { authorization, ...purpose, 'content-type': 'application/json' },
        nextRequest: () => ({ body: writeBodies[n++ % writeBodies.length] ?? '' }),
      };
    }
    const query = name === 'secure-reveal' ? REVEAL_ALL : '';
    const list = ids[collection];
    return {
      url: `${baseUrl}${recordsPath(collection)}/${list[0]}${query}`,
      method: 'GET' as const,
      headers: { authorization, ...purpose },
      nextRequest: () => ({ path: `${recordsPath(collection)}/${list[n++ % list.length]}${query}` }),
    };
  };
  const setups = Object.fromEntries(WORKLOADS.map((name) => [name, workload(name)])) as Record<
    Workload,
    ReturnType<typeof workload>
  >;
  for (const name of WORKLOADS) {
    const setup = setups[name];
    if (setup.method === 'GET') await checkServer(setup.url, ca, setup.headers);
  }

  const totals = Object.fromEntries(
    WORKLOADS.map((name) => [name, { rounds: [], failures: 0, latencyP99Ms: 0 }]),
  ) as unknown as Record<Workload, Totals>;
  const readCpuMs = () => options.child.call({ kind: 'cpu-usage' }).then((usage) => usage.cpuMs);
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? WORKLOADS : [...WORKLOADS].reverse();
    for (const name of order) {
      const setup = setups[name];
      const stopSampling = new AbortController();
      const samples = sampleCpu(readCpuMs, 250, stopSampling.signal);
      const load = await runLoad({
        ...setup,
        ca,
        connections: CONNECTIONS,
        seconds: options.secondsPerRound,
        warmupSeconds: round === 0 ? 2 : 0,
      }).finally(() => stopSampling.abort());
      const total = totals[name];
      total.rounds.push({ perSecond: rateOf([load.window]), cpu: cpuWindowOf(await samples, load.okTimes) });
      total.failures += load.non2xx + load.errors;
      total.latencyP99Ms = Math.max(total.latencyP99Ms, load.latencyP99Ms);
    }
  }

  const perSecond = (name: Workload) => median(totals[name].rounds.map((r) => r.perSecond));
  // Microseconds: a read costs ~0.1 ms, which the report's two decimals of milliseconds would blur.
  const cpuUs = (name: Workload) => 1000 * median(totals[name].rounds.map((r) => cpuPerCompletion([r.cpu])));
  const perRound = (measured: Workload, baseline: Workload) =>
    totals[measured].rounds
      .map((r, i) => (r.perSecond / (totals[baseline].rounds[i]?.perSecond ?? Number.NaN)).toFixed(2))
      .join(' ');
  const compare = (measured: Workload, baseline: Workload, name: string, details: BenchResult['details']) => {
    const ratio = perSecond(measured) / perSecond(baseline);
    return {
      name,
      measured: { value: perSecond(measured), unit: 'req/s' },
      baseline: { value: perSecond(baseline), unit: 'req/s' },
      ratio,
      cpuRatio: cpuUs(baseline) / cpuUs(measured),
      target: `ratio >= ${RECORDS_TARGET_RATIO}`,
      pass:
        ratio >= RECORDS_TARGET_RATIO && totals[measured].failures === 0 && totals[baseline].failures === 0,
      details: {
        record: '5 sensitive fields (name, email searchable, ssn, phone, card_number) + 1 plain string',
        baseline: 'the same fields and values in a collection with no sensitive field',
        rounds: options.rounds,
        secondsPerRound: options.secondsPerRound,
        connections: CONNECTIONS,
        perRoundRatios: perRound(measured, baseline),
        cpuUsPerRequest: cpuUs(measured),
        baselineCpuUsPerRequest: cpuUs(baseline),
        failures: totals[measured].failures,
        baselineFailures: totals[baseline].failures,
        worstRoundLatencyP99Ms: totals[measured].latencyP99Ms,
        baselineWorstRoundLatencyP99Ms: totals[baseline].latencyP99Ms,
        ...details,
      },
    } satisfies BenchResult;
  };
  return [
    compare('secure-write', 'plain-write', 'record write: 5 sensitive fields vs plain', {
      bodies: `${BODY_POOL} distinct records, cycled`,
    }),
    compare('secure-read', 'plain-read', 'record read (masked): 5 sensitive vs plain', {
      seedRecordsPerCollection: SEED_RECORDS,
      revealAllPerSecond: perSecond('secure-reveal'),
      revealAllRatio: perSecond('secure-reveal') / perSecond('plain-read'),
      revealAllPerRoundRatios: perRound('secure-reveal', 'plain-read'),
      revealAllCpuUsPerRequest: cpuUs('secure-reveal'),
      revealAllCpuRatio: cpuUs('plain-read') / cpuUs('secure-reveal'),
      revealAllFailures: totals['secure-reveal'].failures,
    }),
  ];
}
