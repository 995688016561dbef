/**
 * A real cluster for the multi-node tests: several `strongroom serve` processes (the built CLI,
 * dist/src/cli/main.js) on one PostgreSQL schema and one Redis key prefix, each with a data directory and a port
 * of its own, one shared root key (STRONGROOM_MASTER_KEY: each node unseals itself with it at start) and one
 * shared TLS certificate (so one CA verifies every node).
 * The schema is created here and dropped by `close()`, the Redis keys under the random prefix deleted; only this
 * cluster's PostgreSQL backends (application_name `strongroom:<schema>`) are ever terminated.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ensureDevCertificates } from '../../src/tls/index.js';
import { createNodeClient, type NodeClient } from './multinode-http.js';

export const CLI = path.resolve('dist/src/cli/main.js');
/** A node on a loaded 2-core machine can take a while to start (migrations, argon2 warm-up). */
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

/** Every STRONGROOM_* variable of the test run is left out: the cluster sets its own. */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_')));
}

/** One JSON log line of a node (pino), or its plain printed lines as `{ msg }`. */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface ClusterNode {
  readonly name: string;
  readonly dataDir: string;
  /** https://127.0.0.1:<port> of the running process (a restart gets a new port). */
  url: string;
  client: NodeClient;
  process: ChildProcess | null;
  /** Every line the process wrote, parsed; kept across restarts. */
  logs: LogLine[];
  /** The exit code or signal of the last process, null while it runs. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Lines logged with this message. */
  logged(msg: string): LogLine[];
  /** Sends `signal` and waits for the process to end. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the process (again, on the same data directory) and waits until it serves and is ready. */
  start(): Promise<void>;
}

export interface Cluster {
  schema: string;
  redisPrefix: string;
  ca: Buffer;
  caPath: string;
  nodes: ClusterNode[];
  /** The password of the initial `admin` (written by the first node into its data directory). */
  adminPassword: string;
  /** A PostgreSQL connection of the test itself (its own application_name: never terminated by the test). */
  control: pg.Client;
  /** Terminates this cluster's PostgreSQL backends only; the number terminated. */
  terminateBackends(): Promise<number>;
  /** `strongroom audit verify` over the cluster's schema: exit status and output. */
  auditVerify(): { status: number | null; output: string };
  close(): Promise<void>;
}

export interface ClusterOptions {
  nodes: number;
  /** STRONGROOM_* settings every node gets (on top of database, Redis, root key and TLS). */
  env?: Record<string, string>;
  databaseUrl: string;
  redisUrl: string;
  /** `--log-level` of every node (default info); the benchmark (bench/multinode.ts) keeps per-request lines out. */
  logLevel?: string;
}

function createNode(
  name: string,
  dataDir: string,
  env: NodeJS.ProcessEnv,
  ca: Buffer,
  logLevel: string,
): ClusterNode {
  const node: ClusterNode = {
    name,
    dataDir,
    url: '',
    client: createNodeClient('', ca),
    process: null,
    logs: [],
    exit: null,
    logged: (msg) => node.logs.filter((line) => line.msg === msg),
    async kill(signal = 'SIGTERM') {
      const child = node.process;
      if (child === null || node.exit !== null) return;
      const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await ended;
      clearTimeout(timer);
    },
    async start() {
      node.exit = null;
      const child = spawn(
        process.execPath,
        [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--log-level', logLevel],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      node.process = child;
      child.once('exit', (code, signal) => {
        node.exit = { code, signal };
      });
      let pending = '';
      const listening = new Promise<string>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          pending += chunk.toString('utf8');
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const text of lines) {
            if (text === '') continue;
            let line: LogLine;
            try {
              line = JSON.parse(text) as LogLine;
            } catch {
              line = { msg: text };
            }
            node.logs.push(line);
            const match = /listening on (https:\/\/\S+)/.exec(text);
            if (match?.[1] !== undefined) resolve(match[1]);
          }
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('exit', (code, signal) =>
          reject(new Error(`${name} exited at start (${code ?? signal}): ${tail(node.logs)}`)),
        );
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${name} did not listen within ${START_TIMEOUT_MS} ms`)),
          START_TIMEOUT_MS,
        );
      });
      node.url = await Promise.race([listening, timeout]).finally(() => clearTimeout(timer));
      node.client = createNodeClient(node.url, ca);
      await waitUntil(
        async () => (await node.client.request('GET', '/readyz').catch(() => null))?.status === 200,
        START_TIMEOUT_MS,
        `${name} ready`,
      );
    },
  };
  return node;
}

function tail(logs: LogLine[]): string {
  return logs
    .slice(-5)
    .map((l) => JSON.stringify(l))
    .join('\n');
}

/** Polls `check` every 100 ms until it is true; throws after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Starts the cluster: the first node alone (it migrates the schema and creates the initial admin), then the
 * others together.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-multinode-'));
  const schema = `mn_${randomBytes(6).toString('hex')}`;
  const redisPrefix = `strongroom-test-${randomBytes(6).toString('hex')}:`;
  const control = new pg.Client({ connectionString: options.databaseUrl });
  await control.connect();
  await control.query(`create schema "${schema}"`);
  const certs = await ensureDevCertificates(path.join(root, 'tls'));
  const ca = await fs.readFile(certs.caCertPath);
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    STRONGROOM_DATABASE_URL: options.databaseUrl,
    STRONGROOM_DATABASE_SCHEMA: schema,
    STRONGROOM_REDIS_URL: options.redisUrl,
    STRONGROOM_REDIS_KEY_PREFIX: redisPrefix,
    STRONGROOM_MASTER_KEY: randomBytes(32).toString('base64'),
    STRONGROOM_TLS_CERT: certs.certPath,
    STRONGROOM_TLS_KEY: certs.keyPath,
    ...options.env,
  };
  const nodes = Array.from({ length: options.nodes }, (_, i) =>
    createNode(
      String.fromCharCode(65 + i),
      path.join(root, `node-${i}`),
      env,
      ca,
      options.logLevel ?? 'info',
    ),
  );
  const cluster: Cluster = {
    schema,
    redisPrefix,
    ca,
    caPath: certs.caCertPath,
    nodes,
    adminPassword: '',
    control,
    async terminateBackends() {
      const result = await control.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
        [`strongroom:${schema}`],
      );
      return result.rowCount ?? 0;
    },
    auditVerify() {
      const result = spawnSync(
        process.execPath,
        [CLI, 'audit', 'verify', '--data-dir', nodes[0]?.dataDir ?? root],
        {
          env: { ...env },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    },
    async close() {
      await Promise.all(nodes.map((node) => node.kill('SIGTERM')));
      await control.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
      await control.end().catch(() => undefined);
      const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        for await (const keys of redis.scanStream({ match: `${redisPrefix}*`, count: 500 })) {
          if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
        }
      } finally {
        redis.disconnect();
      }
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  try {
    const [first, ...rest] = nodes;
    if (first === undefined) throw new Error('a cluster needs a node');
    await first.start();
    await Promise.all(rest.map((node) => node.start()));
    cluster.adminPassword = (
      await fs.readFile(path.join(first.dataDir, 'initial-admin-password'), 'utf8')
    ).trim();
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return cluster;
}
