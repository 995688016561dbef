import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../app.js';
import { type Config, configError } from '../config.js';
import { createPlainHttpServer } from '../http/plain-http-server.js';
import { createLogger } from '../log.js';
import { INITIAL_ADMIN_PASSWORD_FILE, INITIAL_ADMIN_USERNAME } from '../setup/initial-admin.js';
import { ensurePrivateDirectory, initialize } from '../setup/initialize.js';
import { productionProblems, productionRefusal } from '../setup/production-checks.js';
import { deprioritizeWorkerThreads } from '../setup/thread-priority.js';
import { waitForDatabase } from '../storage/index.js';
import { loadTlsFiles } from '../tls/index.js';
import { takeServeLock } from './serve-lock.js';

/** The database URL without credentials or query (which may hold a password): scheme, host, port and database. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** What this start uses, for the log: never a secret (no password, key or URL credentials). */
export function describeBackends(config: Readonly<Config>, masterKeySource: string) {
  return {
    database:
      config.databaseUrl === null
        ? { kind: 'sqlite', file: config.sqlitePath }
        : {
            kind: 'postgresql',
            url: redactDatabaseUrl(config.databaseUrl),
            schema: config.databaseSchema ?? 'public',
          },
    // Where login throttles, lockouts, quotas and revocation notices live: shared by every node only through Redis.
    sharedState:
      config.redisUrl === null ? 'memory (this node only)' : `redis ${redactDatabaseUrl(config.redisUrl)}`,
    rootKey: config.keyring === 'sealed' ? `sealed keyring ${config.keyringFile}` : masterKeySource,
    mode: config.mode,
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** `strongroom serve`: initializes if needed, then listens on HTTPS (and, if asked, the 426-only plain port). */
export async function serve(config: Readonly<Config>, print: (line: string) => void): Promise<void> {
  // Before anything is created: production must not generate a development key or certificate on a fresh start.
  if (config.mode === 'production') {
    const problems = productionProblems(config);
    if (problems.length > 0)
      throw configError('CONFIG_PRODUCTION_REFUSED', 'mode', productionRefusal(problems));
  }
  // SQLite: one server per data directory (serve-lock.ts says why), taken before anything is initialised.
  if (config.databaseUrl === null) {
    await ensurePrivateDirectory(config.dataDir);
    takeServeLock(config.dataDir);
  }
  const logger = createLogger({ level: config.logLevel });
  // PostgreSQL may come up after us (same orchestrator start): wait for it, bounded and logged, before anything opens it.
  if (config.databaseUrl !== null) {
    await waitForDatabase({
      url: config.databaseUrl,
      timeoutMs: config.databaseStartTimeoutMs,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
      logger,
    });
  }
  const setup = await initialize(config);
  const tls = await loadTlsFiles(setup.tls.certPath, setup.tls.keyPath);
  const { app, masterKeySource, rootKey, sealedKeyring, services } = await buildApp(config, { tls, logger });
  // buildApp has hashed once, so the libuv pool exists: hashing threads yield the CPU to the event loop.
  deprioritizeWorkerThreads();
  if (masterKeySource === 'development-key-file') {
    logger.warn(
      { path: config.masterKeyFile },
      'using the development master key file next to the data; set STRONGROOM_MASTER_KEY or STRONGROOM_MASTER_KEY_FILE in production',
    );
  }
  if (sealedKeyring !== null && rootKey.isSealed()) {
    logger.warn(
      { path: sealedKeyring.file, threshold: sealedKeyring.threshold, shareCount: sealedKeyring.shares },
      'started sealed: data endpoints answer 503 SEALED until operators unseal with `strongroom operator unseal`',
    );
  }
  if (config.trustProxy === true) {
    logger.warn(
      'trust-proxy is "true": any client can set X-Forwarded-For and dodge per-address throttling; list the proxy addresses instead',
    );
  }
  await app.listen({ host: config.host, port: config.port });
  let plain: ReturnType<typeof createPlainHttpServer> | null = null;
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    plain?.close();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Before anything announces the server: whoever reads "listening" and signals it at once (a supervisor, a test)
  // must find the handlers in place, or the signal's default action ends the process without a clean close.
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  print(`Strongroom listening on https://${hostForUrl(config.host)}:${port}`);
  if (sealedKeyring !== null && rootKey.isSealed()) {
    print(
      `Sealed: ${sealedKeyring.threshold} of ${sealedKeyring.shares} operators must run \`strongroom operator unseal\``,
    );
  }
  if (setup.tls.caCertPath !== null) print(`Local CA certificate: ${setup.tls.caCertPath} (curl --cacert …)`);
  const initialPassword = path.join(config.dataDir, INITIAL_ADMIN_PASSWORD_FILE);
  if (fs.existsSync(initialPassword)) {
    print(
      `Initial password for user "${INITIAL_ADMIN_USERNAME}" is in ${initialPassword} (deleted once that user changes it)`,
    );
    if (config.mode === 'production') {
      print('Change it now: production mode refuses to start again while that file exists');
    }
  }
  print(`Mode: ${config.mode}`);
  // After the warnings above: the log is written asynchronously, and they must not wait behind this line.
  logger.info(describeBackends(config, masterKeySource), 'backends in use');

  if (config.httpPort !== null) {
    plain = createPlainHttpServer({ revoker: services.revoker, logger });
    await new Promise<void>((resolve) => plain?.listen(config.httpPort ?? 0, config.host, resolve));
    print(`Plain HTTP on port ${config.httpPort} answers 426 HTTPS_REQUIRED only`);
  }
}
