/**
 * Builds a real Strongroom app for tests: its own temporary data directory, real TLS material, real argon2id, and
 * SQLite by default, or PostgreSQL (`database: 'postgres'`, needs STRONGROOM_DATABASE_URL) in a schema of its own
 * that is dropped on close.
 * Logs are captured line by line so tests can scan them for leaked secrets.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { type ConfigFlags, loadConfig } from '../../src/config.js';
import { ensureDevCertificates, loadTlsFiles } from '../../src/tls/index.js';

export const TEST_DATABASE_URL = process.env.STRONGROOM_DATABASE_URL ?? null;

export interface TestClock {
  (): number;
  advance(ms: number): void;
}

export function createTestClock(start = Date.now()): TestClock {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

export async function createTestApp(
  options: {
    flags?: ConfigFlags;
    env?: NodeJS.ProcessEnv;
    clock?: () => number;
    database?: 'sqlite' | 'postgres';
    /** Runs on the fresh data directory before the app is built (e.g. to write a sealed keyring into it). */
    seedDataDir?: (dataDir: string) => Promise<void>;
    /** A shorter keep-alive timeout than the constant, to watch an idle connection close. */
    keepAliveTimeoutMs?: number;
  } = {},
) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-test-'));
  await options.seedDataDir?.(dataDir);
  const usePostgres = options.database === 'postgres';
  if (usePostgres && TEST_DATABASE_URL === null) throw new Error('STRONGROOM_DATABASE_URL is not set');
  const schema = usePostgres ? `test_${randomBytes(6).toString('hex')}` : null;
  const config = loadConfig(
    {
      dataDir,
      logLevel: 'info',
      ...(usePostgres ? { databaseUrl: TEST_DATABASE_URL ?? '', databaseSchema: schema ?? '' } : {}),
      ...options.flags,
    },
    options.env ?? {},
  );
  const certs = await ensureDevCertificates(path.join(dataDir, 'tls'));
  const tls = await loadTlsFiles(certs.certPath, certs.keyPath);
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  // pino's stream type wants `write(string)`: a Writable satisfies it at run time.
  const built = await buildApp(config, {
    tls,
    logDestination: logDestination as never,
    // A test clock only moves when told to: it serves as the monotonic clock too (cache entry ages).
    ...(options.clock ? { clock: options.clock, monotonicClock: options.clock } : {}),
    ...(options.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeoutMs: options.keepAliveTimeoutMs }),
  });
  await built.app.ready();

  return {
    ...built,
    config,
    dataDir,
    caCert: await fs.readFile(certs.caCertPath),
    caCertPath: certs.caCertPath,
    logs,
    async close() {
      await built.app.close();
      if (schema !== null && TEST_DATABASE_URL !== null) {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** A password that passes the policy. */
export function strongPassword(): string {
  return `Tr0ubadour-${randomBytes(9).toString('base64url')}`;
}

/** Creates a user directly through the service (no HTTP) and returns its credentials. */
export async function createUser(t: TestApp, roles: string[] = ['user']) {
  const username = `u${randomBytes(5).toString('hex')}`;
  const password = strongPassword();
  const user = await t.services.users.create({ username, password, roles });
  return { ...user, password };
}

export async function login(t: TestApp, username: string, password: string) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username, password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return response.json() as {
    access_token: string;
    refresh_token: string;
    expires_in: number;
    token_type: string;
  };
}

/** A user, logged in, with a bearer header ready to use. */
export async function loggedInUser(t: TestApp, roles: string[] = ['user']) {
  const user = await createUser(t, roles);
  const tokens = await login(t, user.username, user.password);
  return { ...user, tokens, headers: { authorization: `Bearer ${tokens.access_token}` } };
}

/** Logs a new user in through a trusted TLS-terminating proxy (the app must run with trustProxy), as an https client. */
export async function loginThroughProxy(t: TestApp) {
  const user = await createUser(t);
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    headers: { 'x-forwarded-proto': 'https' },
    payload: { username: user.username, password: user.password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode}`);
  const token = (response.json() as { access_token: string }).access_token;
  return { id: user.id, token, headers: { authorization: `Bearer ${token}` } };
}
