/** Groups of settings read together, each checked where it is read. */
import os from 'node:os';
import path from 'node:path';
import { readAuditSinks } from './audit-sinks.js';
import { configError, envName, type SettingReader } from './reader.js';
import type { AuditConfig, KeyringMode, LogLevel, Mode, ThrottleConfig } from './types.js';

export function readThrottle(read: SettingReader, prefix: string, defaults: ThrottleConfig): ThrottleConfig {
  const freeAttempts = read.int(`${prefix}FreeAttempts`, defaults.freeAttempts, 1, 1000);
  const lockoutAfter = read.int(`${prefix}LockoutAfter`, defaults.lockoutAfter, freeAttempts, 100_000);
  return {
    freeAttempts,
    lockoutAfter,
    baseDelaySeconds: read.int(`${prefix}BaseDelaySeconds`, defaults.baseDelaySeconds, 1, 3600),
    maxDelaySeconds: read.int(`${prefix}MaxDelaySeconds`, defaults.maxDelaySeconds, 1, 86_400),
    lockoutSeconds: read.int(`${prefix}LockoutSeconds`, defaults.lockoutSeconds, 1, 7 * 86_400),
  };
}

export function readAudit(read: SettingReader): AuditConfig {
  const mirrorFile = read.optional('auditMirrorFile');
  return {
    batchSize: read.int('auditBatchSize', 256, 1, 10_000),
    flushDelayMs: read.int('auditFlushDelayMs', 0, 0, 1000),
    queueLimit: read.int('auditQueueLimit', 10_000, 1, 1_000_000),
    checkpointEvents: read.int('auditCheckpointEvents', 10_000, 1, 100_000_000),
    checkpointSeconds: read.int('auditCheckpointSeconds', 300, 1, 86_400),
    mirrorFile: mirrorFile === null ? null : path.resolve(mirrorFile),
    retentionDays: read.int('auditRetentionDays', 0, 0, 36_500),
    sinks: readAuditSinks(read),
  };
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readModeAndLogLevel(read: SettingReader): { mode: Mode; logLevel: LogLevel } {
  const logLevel = read.str('logLevel', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw configError('CONFIG_INVALID_VALUE', 'logLevel', `logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  const mode = read.str('mode', 'development') as Mode;
  if (mode !== 'development' && mode !== 'production') {
    throw configError(
      'CONFIG_INVALID_VALUE',
      'mode',
      'mode (STRONGROOM_MODE) must be development or production',
    );
  }
  return { mode, logLevel };
}

/** Where and how the server listens: address, ports, TLS files, and which proxies' forwarded headers to trust. */
export function readTransport(read: SettingReader) {
  const port = read.int('port', 8443, 0, 65_535);
  const httpPort = read.raw('httpPort') === undefined ? null : read.int('httpPort', 0, 0, 65_535);
  const tlsCertPath = read.optional('tlsCert');
  const tlsKeyPath = read.optional('tlsKey');
  if ((tlsCertPath === null) !== (tlsKeyPath === null)) {
    throw configError('CONFIG_CONFLICT', 'tlsCert', 'tlsCert and tlsKey must be given together');
  }
  const trustProxyRaw = read.raw('trustProxy');
  const trustProxy: boolean | string =
    trustProxyRaw === undefined || trustProxyRaw === 'false'
      ? false
      : trustProxyRaw === 'true'
        ? true
        : trustProxyRaw;
  const host = read.str('host', '127.0.0.1');
  const publicUrl = read.str('publicUrl', `https://${host.includes(':') ? `[${host}]` : host}:${port}`);
  if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(publicUrl)) {
    throw configError(
      'CONFIG_INVALID_VALUE',
      'publicUrl',
      'publicUrl (STRONGROOM_PUBLIC_URL) must be an https:// URL',
    );
  }
  return {
    host,
    port,
    publicUrl: publicUrl.replace(/\/$/, ''),
    httpPort,
    tlsCertPath: tlsCertPath === null ? null : path.resolve(tlsCertPath),
    tlsKeyPath: tlsKeyPath === null ? null : path.resolve(tlsKeyPath),
    trustProxy,
  };
}

/** PostgreSQL when a URL is given (optionally in its own schema), else SQLite in the data directory. */
export function readDatabase(read: SettingReader, dataDir: string) {
  const databaseUrl = read.optional('databaseUrl');
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw configError(
      'CONFIG_INVALID_VALUE',
      'databaseUrl',
      'databaseUrl (STRONGROOM_DATABASE_URL) must be a postgres:// URL',
    );
  }
  const databaseSchema = read.optional('databaseSchema');
  if (databaseSchema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    throw configError(
      'CONFIG_INVALID_VALUE',
      'databaseSchema',
      'databaseSchema must be a lower-case SQL identifier',
    );
  }
  return {
    databaseUrl,
    databaseSchema,
    sqlitePath: path.join(dataDir, 'strongroom.db'),
    // PostgreSQL only: how long to wait for a connection, and for one statement (server-side statement_timeout).
    databaseConnectTimeoutMs: read.int('databaseConnectTimeoutMs', 5000, 100, 60_000),
    databaseStatementTimeoutMs: read.int('databaseStatementTimeoutMs', 30_000, 100, 3_600_000),
    // `serve` waits this long for PostgreSQL to answer at start (retrying with backoff), then exits non-zero.
    databaseStartTimeoutMs: read.int('databaseStartTimeoutMs', 60_000, 0, 3_600_000),
  };
}

/** The root key source: a master key (value or file) or a sealed keyring, never both. */
export function readKeySource(read: SettingReader, dataDir: string) {
  const keyring = read.str('keyring', 'auto') as KeyringMode;
  if (keyring !== 'auto' && keyring !== 'sealed') {
    throw configError(
      'CONFIG_INVALID_VALUE',
      'keyring',
      'keyring (STRONGROOM_KEYRING) must be auto or sealed',
    );
  }
  // A sealed keyring must not silently fall back to, or be shadowed by, a key read from env or a file.
  if (
    keyring === 'sealed' &&
    (read.raw('masterKey') !== undefined || read.raw('masterKeyFile') !== undefined)
  ) {
    throw configError(
      'CONFIG_CONFLICT',
      'keyring',
      'keyring sealed cannot be combined with STRONGROOM_MASTER_KEY or STRONGROOM_MASTER_KEY_FILE; configure one key source',
    );
  }
  return {
    masterKeyFile: path.resolve(read.str('masterKeyFile', path.join(dataDir, 'master.key'))),
    masterKey: read.optional('masterKey'),
    keyring,
    keyringFile: path.resolve(read.str('keyringFile', path.join(dataDir, 'keyring.json'))),
  };
}

/** Longest `iss` and `aud` (tokens and introspection answers publish them; the OpenAPI document bounds them). */
export const CLAIM_VALUE_MAX = 256;

/** An access-token claim value: 1–256 characters without control characters. */
function readClaimValue(read: SettingReader, key: string, fallback: string): string {
  const value = read.str(key, fallback);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
  if (value === '' || /[\u0000-\u001f\u007f]/u.test(value) || value.length > CLAIM_VALUE_MAX)
    throw configError(
      'CONFIG_INVALID_VALUE',
      key,
      `${key} (${envName(key)}) must be 1–${CLAIM_VALUE_MAX} characters without control characters`,
    );
  return value;
}

/** Tokens, passwords and login throttling. */
export function readIdentity(read: SettingReader) {
  const accessTokenTtlSeconds = read.int('accessTokenTtl', 900, 30, 3600);
  return {
    issuer: readClaimValue(read, 'issuer', 'strongroom'),
    audience: readClaimValue(read, 'audience', 'strongroom-api'),
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds: read.int('refreshTokenTtl', 30 * 86_400, 300, 365 * 86_400),
    signingKeyRotationSeconds: read.int('signingKeyRotation', 30 * 86_400, accessTokenTtlSeconds * 2),
    passwordMinLength: read.int('passwordMinLength', 12, 8, 256),
    argon2: {
      memoryCost: read.int('argon2MemoryCost', 19_456, 19_456, 4_194_304),
      timeCost: read.int('argon2TimeCost', 2, 2, 100),
      parallelism: read.int('argon2Parallelism', 1, 1, 64),
    },
    throttle: {
      account: readThrottle(read, 'accountThrottle', {
        freeAttempts: 5,
        lockoutAfter: 20,
        baseDelaySeconds: 1,
        maxDelaySeconds: 300,
        lockoutSeconds: 900,
      }),
      address: readThrottle(read, 'addressThrottle', {
        freeAttempts: 20,
        lockoutAfter: 100,
        baseDelaySeconds: 1,
        maxDelaySeconds: 300,
        lockoutSeconds: 900,
      }),
      // Someone choosing a new password may be refused a few times; a script scoring passwords is slowed, then stopped.
      passwordCheck: readThrottle(read, 'passwordCheckThrottle', {
        freeAttempts: 5,
        lockoutAfter: 30,
        baseDelaySeconds: 1,
        maxDelaySeconds: 60,
        lockoutSeconds: 900,
      }),
    },
    verifiedTokenCacheSize: read.int('verifiedTokenCacheSize', 10_000, 0, 1_000_000),
    hashConcurrency: read.int('hashConcurrency', os.availableParallelism() + 1, 1, 256),
    hashQueueLimit: read.int('hashQueueLimit', 256, 0, 100_000),
  };
}
