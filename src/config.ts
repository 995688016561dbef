/**
 * The one configuration loader and the only reader of `process.env` (callers pass `env` in).
 * Precedence: command-line flags, then `STRONGROOM_*` environment variables, then embedded defaults.
 * Invalid values fail fast with a message naming the setting (never echoing a secret value).
 */
import os from 'node:os';
import path from 'node:path';
import { AppError, isAppError } from './errors.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Where the root key comes from: `auto` (configured key, key file or development key file) or a sealed keyring. */
export type KeyringMode = 'auto' | 'sealed';

export interface ThrottleConfig {
  /** Failures allowed before delays start. */
  freeAttempts: number;
  /** Failures after which the key is locked out for `lockoutSeconds`. */
  lockoutAfter: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  lockoutSeconds: number;
}

/** The audit trail (src/services/audit): group commit, checkpoints, mirror and retention. */
export interface AuditConfig {
  batchSize: number;
  flushDelayMs: number;
  queueLimit: number;
  checkpointEvents: number;
  checkpointSeconds: number;
  /** JSONL copy of every committed event, or null. */
  mirrorFile: string | null;
  /** 0 keeps every event; otherwise events older than this, behind a signed checkpoint, are pruned. */
  retentionDays: number;
}

/** `production` refuses to start with development keys, certificates, debug logging or an initial password file. */
export type Mode = 'development' | 'production';

export interface Config {
  mode: Mode;
  dataDir: string;
  host: string;
  port: number;
  httpPort: number | null;
  tlsCertPath: string | null;
  tlsKeyPath: string | null;
  logLevel: LogLevel;
  trustProxy: boolean | string;
  databaseUrl: string | null;
  databaseSchema: string | null;
  sqlitePath: string;
  masterKeyFile: string;
  masterKey: string | null;
  /** `sealed`: the root key is recovered from Shamir shares at run time, never read from env or a file. */
  keyring: KeyringMode;
  keyringFile: string;
  redisUrl: string | null;
  redisKeyPrefix: string;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  signingKeyRotationSeconds: number;
  passwordMinLength: number;
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  throttle: { account: ThrottleConfig; address: ThrottleConfig };
  bodyLimitBytes: number;
  verifiedTokenCacheSize: number;
  /** Password hashes computed at once (default: cores + 1) and allowed to wait (beyond: 503 SERVICE_BUSY). */
  hashConcurrency: number;
  hashQueueLimit: number;
  /** Key rotation jobs: records per batch (one transaction), pause between batches, lease, and the wait before
   * old versions are retired (at least as long as any write transaction may last). */
  keyJobBatchSize: number;
  keyJobPauseMs: number;
  keyJobLeaseMs: number;
  keyJobSettleMs: number;
  /** A policy document (JSON or YAML) installed at start when it differs from the stored one; null: none. */
  policyFile: string | null;
  /** Plaintext data keys kept in memory (LRU); beyond, keys are unwrapped again on use. */
  dataKeyCacheSize: number;
  audit: AuditConfig;
}

/** Settings given on the command line; undefined means "not given". */
export type ConfigFlags = Partial<Record<string, string | number | boolean | undefined>>;

/** Codes of configuration errors (internal: they stop the process and never reach a client). */
export type ConfigErrorCode =
  | 'CONFIG_NOT_A_NUMBER'
  | 'CONFIG_OUT_OF_RANGE'
  | 'CONFIG_INVALID_VALUE'
  | 'CONFIG_CONFLICT'
  | 'CONFIG_PRODUCTION_REFUSED'
  | 'CONFIG_POLICY_FILE_UNREADABLE'
  | 'CONFIG_POLICY_FILE_INVALID';

/** A configuration error: an AppError whose `field` is the setting; the message names it, never its value. */
export function configError(code: ConfigErrorCode, setting: string, message: string): AppError {
  return new AppError(code, { field: setting, message });
}

/** True for a configuration error (any CONFIG_* code). */
export function isConfigError(value: unknown): value is AppError {
  return isAppError(value) && value.code.startsWith('CONFIG_');
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function envName(key: string): string {
  return `STRONGROOM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function createReader(flags: ConfigFlags, env: NodeJS.ProcessEnv) {
  const raw = (key: string): string | undefined => {
    const flag = flags[key];
    if (flag !== undefined) return String(flag);
    const fromEnv = env[envName(key)];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const str = (key: string, fallback: string): string => raw(key) ?? fallback;
  const optional = (key: string): string | null => raw(key) ?? null;
  const int = (key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const value = raw(key);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value))
      throw configError('CONFIG_NOT_A_NUMBER', key, `${key} (${envName(key)}) must be a whole number`);
    const n = Number(value);
    if (n < min || n > max)
      throw configError(
        'CONFIG_OUT_OF_RANGE',
        key,
        `${key} (${envName(key)}) must be between ${min} and ${max}`,
      );
    return n;
  };
  return { raw, str, optional, int };
}

function readThrottle(
  read: ReturnType<typeof createReader>,
  prefix: string,
  defaults: ThrottleConfig,
): ThrottleConfig {
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

function readAudit(read: ReturnType<typeof createReader>): AuditConfig {
  const mirrorFile = read.optional('auditMirrorFile');
  return {
    batchSize: read.int('auditBatchSize', 256, 1, 10_000),
    flushDelayMs: read.int('auditFlushDelayMs', 0, 0, 1000),
    queueLimit: read.int('auditQueueLimit', 10_000, 1, 1_000_000),
    checkpointEvents: read.int('auditCheckpointEvents', 10_000, 1, 100_000_000),
    checkpointSeconds: read.int('auditCheckpointSeconds', 300, 1, 86_400),
    mirrorFile: mirrorFile === null ? null : path.resolve(mirrorFile),
    retentionDays: read.int('auditRetentionDays', 0, 0, 36_500),
  };
}

/** Builds the frozen configuration from flags and environment. Throws a CONFIG_* AppError (see `configError`) on any invalid setting. */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = {}): Readonly<Config> {
  const read = createReader(flags, env);
  const dataDir = path.resolve(read.str('dataDir', './data'));
  const logLevel = read.str('logLevel', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw configError('CONFIG_INVALID_VALUE', 'logLevel', `logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  const port = read.int('port', 8443, 0, 65_535);
  const httpPortRaw = read.raw('httpPort');
  const httpPort = httpPortRaw === undefined ? null : read.int('httpPort', 0, 0, 65_535);
  const tlsCertPath = read.optional('tlsCert');
  const tlsKeyPath = read.optional('tlsKey');
  if ((tlsCertPath === null) !== (tlsKeyPath === null)) {
    throw configError('CONFIG_CONFLICT', 'tlsCert', 'tlsCert and tlsKey must be given together');
  }
  const trustProxyRaw = read.raw('trustProxy');
  const trustProxy =
    trustProxyRaw === undefined || trustProxyRaw === 'false'
      ? false
      : trustProxyRaw === 'true'
        ? true
        : trustProxyRaw;
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
  const accessTokenTtlSeconds = read.int('accessTokenTtl', 900, 30, 3600);
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
  const policyFile = read.optional('policyFile');
  const mode = read.str('mode', 'development') as Mode;
  if (mode !== 'development' && mode !== 'production') {
    throw configError(
      'CONFIG_INVALID_VALUE',
      'mode',
      'mode (STRONGROOM_MODE) must be development or production',
    );
  }
  const config: Config = {
    mode,
    dataDir,
    host: read.str('host', '127.0.0.1'),
    port,
    httpPort,
    tlsCertPath: tlsCertPath === null ? null : path.resolve(tlsCertPath),
    tlsKeyPath: tlsKeyPath === null ? null : path.resolve(tlsKeyPath),
    logLevel,
    trustProxy,
    databaseUrl,
    databaseSchema,
    sqlitePath: path.join(dataDir, 'strongroom.db'),
    masterKeyFile: path.resolve(read.str('masterKeyFile', path.join(dataDir, 'master.key'))),
    masterKey: read.optional('masterKey'),
    keyring,
    keyringFile: path.resolve(read.str('keyringFile', path.join(dataDir, 'keyring.json'))),
    redisUrl: read.optional('redisUrl'),
    redisKeyPrefix: read.str('redisKeyPrefix', 'strongroom:'),
    issuer: read.str('issuer', 'strongroom'),
    audience: read.str('audience', 'strongroom-api'),
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
    },
    bodyLimitBytes: read.int('bodyLimit', 65_536, 1024, 10 * 1024 * 1024),
    verifiedTokenCacheSize: read.int('verifiedTokenCacheSize', 10_000, 0, 1_000_000),
    hashConcurrency: read.int('hashConcurrency', os.availableParallelism() + 1, 1, 256),
    hashQueueLimit: read.int('hashQueueLimit', 256, 0, 100_000),
    keyJobBatchSize: read.int('keyJobBatchSize', 200, 1, 10_000),
    keyJobPauseMs: read.int('keyJobPauseMs', 25, 0, 60_000),
    keyJobLeaseMs: read.int('keyJobLeaseMs', 30_000, 1000, 3_600_000),
    keyJobSettleMs: read.int('keyJobSettleMs', 30_000, 0, 3_600_000),
    policyFile: policyFile === null ? null : path.resolve(policyFile),
    dataKeyCacheSize: read.int('dataKeyCacheSize', 10_000, 1, 1_000_000),
    audit: readAudit(read),
  };
  return deepFreeze(config);
}

/** The admin credential for the CLI's client commands (STRONGROOM_TOKEN), or null: then it is read from stdin. */
export function cliCredential(env: NodeJS.ProcessEnv): string | null {
  const value = env.STRONGROOM_TOKEN?.trim();
  return value === undefined || value === '' ? null : value;
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
