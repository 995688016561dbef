/**
 * A real Strongroom server for benchmarks: the production composition root (`buildApp`), real config, SQLite in a
 * temporary data directory, the local CA's certificate, argon2id with the configured parameters. Only the login
 * throttle and the quotas are widened (see below) and log lines go to /dev/null instead of stdout.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startWithHttp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createCore } from '../src/core/index.js';
import { createLogger } from '../src/log.js';
import { QUOTA_GROUPS, QUOTA_LIMITS } from '../src/model/index.js';
import { deprioritizeWorkerThreads } from '../src/setup/thread-priority.js';
import { loadTlsFiles } from '../src/tls/index.js';
import { baselineRecords } from './baseline-records.js';
import type { BenchUser, TlsPaths } from './ipc.js';

export interface BenchServer {
  port: number;
  close(): Promise<void>;
}

// Each login reserves an attempt on its account and on its address *before* the password is checked, and only a
// success gives it back; with hundreds of logins in flight from one loopback address, the default limits would
// refuse correct passwords. The benchmark measures the login path, so the limits are raised out of the way.
const WIDE_THROTTLE = {
  accountThrottleFreeAttempts: 1000,
  accountThrottleLockoutAfter: 100_000,
  addressThrottleFreeAttempts: 1000,
  addressThrottleLockoutAfter: 100_000,
};

// The benchmarks drive thousands of requests a second through one token: every quota is raised to its maximum, so
// each request still pays for its quota check but none is refused.
const WIDE_QUOTAS = Object.fromEntries(
  QUOTA_GROUPS.flatMap((group) => {
    const name = `quota${group[0]?.toUpperCase()}${group.slice(1)}`;
    return [
      [`${name}Capacity`, QUOTA_LIMITS.maxCapacity],
      [`${name}PerMinute`, QUOTA_LIMITS.maxPerMinute],
    ];
  }),
);

/**
 * Builds and starts Strongroom on an ephemeral loopback port, with `userCount` users and one access token, plus
 * one admin (not among `users`) and its access token, for the admin-only routes (collections).
 */
export async function startStrongroom(options: {
  dataDir: string;
  tls: TlsPaths;
  userCount: number;
  /** Records without policy and audit (bench/baseline-records.ts, a core dependency), for policy-audit.ts's baseline. */
  baseline?: boolean;
}): Promise<BenchServer & { users: BenchUser[]; accessToken: string; adminAccessToken: string }> {
  // Log level stays at the default (info), so the per-request log line and its redaction are part of the cost.
  const config = loadConfig({ dataDir: options.dataDir, port: 0, ...WIDE_THROTTLE, ...WIDE_QUOTAS }, {});
  const tls = await loadTlsFiles(options.tls.certPath, options.tls.keyPath);
  const logDestination = pino.destination({ dest: '/dev/null', sync: false });
  const logger = createLogger({ level: config.logLevel, destination: logDestination });
  const core = await createCore(config, {
    logger,
    ...(options.baseline === true ? { records: baselineRecords } : {}),
  });
  const app = await startWithHttp(core, { tls });
  const { services } = core;
  // As `strongroom serve` does (src/cli/serve.ts).
  deprioritizeWorkerThreads();

  const users: BenchUser[] = Array.from({ length: options.userCount }, (_, i) => ({
    username: `bench${String(i).padStart(4, '0')}`,
    password: `Bench-${randomBytes(12).toString('base64url')}`,
  }));
  await Promise.all(users.map((user) => services.users.create({ ...user, roles: ['user'] })));
  const [first] = users;
  if (first === undefined) throw new Error('at least one benchmark user is needed');
  const tokens = await services.login.login({ ...first, clientAddress: '127.0.0.1' });
  const admin = { username: 'benchadmin', password: `Bench-${randomBytes(12).toString('base64url')}` };
  await services.users.create({ ...admin, roles: ['admin'] });
  const adminTokens = await services.login.login({ ...admin, clientAddress: '127.0.0.1' });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server did not bind a TCP port');
  return {
    port: address.port,
    users,
    accessToken: tokens.accessToken,
    adminAccessToken: adminTokens.accessToken,
    close: () => app.close(),
  };
}
