/**
 * `npm run bench -- multinode` (issue 12): a real cluster of 3 `strongroom serve` processes (the built CLI, started
 * by the multi-node test harness, test/helpers/multinode.ts) on one PostgreSQL schema and one Redis key prefix,
 * both created for the run and dropped afterwards. Measures 3 nodes vs 1 node on the same read workload
 * (multinode-throughput.ts) and the logout → refusal delay across nodes (multinode-revocation.ts).
 * Needs STRONGROOM_DATABASE_URL and STRONGROOM_REDIS_URL (read here, as the multi-node tests do: the benchmark is
 * not the server, whose only reader of the environment is src/config); without them it is skipped.
 * Nodes log at warn, so the harness does not parse a JSON line per request in the load generator's process; the
 * per-request log line is left out of both sides alike. Quotas and login throttles are raised to their maxima
 * (as bench/strongroom-server.ts does): thousands of requests a second go through one token.
 */
import { QUOTA_GROUPS, QUOTA_LIMITS } from '../src/model/index.js';
import { startCluster } from '../test/helpers/multinode.js';
import { bearer } from '../test/helpers/multinode-http.js';
import { benchRevocation } from './multinode-revocation.js';
import { benchMultinodeThroughput } from './multinode-throughput.js';
import { apiClient, recordValues, seedCollection } from './records.js';
import type { BenchResult } from './report.js';

const NODES = 3;
const SEED_RECORDS = 64;

const WIDE_LIMITS: Record<string, string> = {
  ...Object.fromEntries(
    QUOTA_GROUPS.flatMap((group) => [
      [`STRONGROOM_QUOTA_${group.toUpperCase()}_CAPACITY`, String(QUOTA_LIMITS.maxCapacity)],
      [`STRONGROOM_QUOTA_${group.toUpperCase()}_PER_MINUTE`, String(QUOTA_LIMITS.maxPerMinute)],
    ]),
  ),
  STRONGROOM_ACCOUNT_THROTTLE_FREE_ATTEMPTS: '1000',
  STRONGROOM_ADDRESS_THROTTLE_FREE_ATTEMPTS: '1000',
};

export interface MultinodeOptions {
  rounds: number;
  secondsPerRound: number;
  revocationSamples: number;
  log: (line: string) => void;
}

/** Both multi-node measurements on one cluster; [] (with a note) when PostgreSQL or Redis is not configured. */
export async function benchMultinode(options: MultinodeOptions): Promise<BenchResult[]> {
  const databaseUrl = process.env.STRONGROOM_DATABASE_URL;
  const redisUrl = process.env.STRONGROOM_REDIS_URL;
  if (databaseUrl === undefined || redisUrl === undefined) {
    options.log('  skipped: set STRONGROOM_DATABASE_URL and STRONGROOM_REDIS_URL (PostgreSQL and Redis)');
    return [];
  }
  const started = Date.now();
  const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s after the start`;
  const cluster = await startCluster({
    nodes: NODES,
    databaseUrl,
    redisUrl,
    logLevel: 'warn',
    env: WIDE_LIMITS,
  });
  try {
    options.log(
      `  ${NODES} nodes ready in ${((Date.now() - started) / 1000).toFixed(1)} s (schema ${cluster.schema})`,
    );
    const [a] = cluster.nodes;
    if (a === undefined) throw new Error('the cluster has no node');
    const login = await a.client.post('/v1/auth/login', {
      username: 'admin',
      password: cluster.adminPassword,
    });
    if (login.status !== 200) throw new Error(`admin login answered ${login.status}`);
    const accessToken = login.body.access_token as string;
    const api = apiClient(a.url, cluster.ca, accessToken);
    const ids = await seedCollection(api, 'secure', recordValues(SEED_RECORDS, 1)).finally(() => api.close());
    const throughput = [];
    for (const [workload, warmupSeconds] of [
      ['me', 6],
      ['mixed', 3],
    ] as const) {
      throughput.push(
        await benchMultinodeThroughput({
          nodes: cluster.nodes,
          ca: cluster.ca,
          accessToken,
          recordPaths: ids.map((id) => `/v1/collections/secure/records/${id}`),
          workload,
          warmupSeconds,
          rounds: options.rounds,
          secondsPerRound: options.secondsPerRound,
        }),
      );
      options.log(`  ${workload}: ${since()}`);
    }
    const revocation = await benchRevocation({
      nodes: cluster.nodes,
      admin: bearer(accessToken),
      samples: options.revocationSamples,
    });
    options.log(`  revocation: ${since()}`);
    return [...throughput, ...revocation];
  } finally {
    for (const node of cluster.nodes) node.client.close();
    await cluster.close();
  }
}
