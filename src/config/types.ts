/** The shape of Strongroom's configuration (loaded and validated by src/config.ts). */
import type { Quota, QuotaGroup } from '../model/index.js';

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
  /** Events written per transaction by `record`. */
  batchSize: number;
  /** Extra wait for more events before writing an idle queue (0: next event-loop turn). */
  flushDelayMs: number;
  /** Events allowed to wait; beyond, `record` rejects with SERVICE_BUSY. */
  queueLimit: number;
  /** Sign the head after this many events … */
  checkpointEvents: number;
  /** … or after this many seconds, whichever comes first (when there are new events). */
  checkpointSeconds: number;
  /** JSONL copy of every committed event, or null. */
  mirrorFile: string | null;
  /** 0 keeps every event; otherwise events older than this, behind a signed checkpoint, are pruned. */
  retentionDays: number;
  /** Where committed events are streamed to (src/config/audit-sinks.ts). */
  sinks: AuditSinksConfig;
}

/** One audit sink: a syslog receiver over TLS, or an HTTPS webhook; `exclude` are its filter patterns. */
export type AuditSinkConfig =
  | { kind: 'syslog'; name: 'syslog'; host: string; port: number; caFile: string | null; exclude: string[] }
  | {
      kind: 'webhook';
      name: 'webhook';
      url: string;
      secret: string;
      caFile: string | null;
      exclude: string[];
    };

export interface AuditSinksConfig {
  sinks: AuditSinkConfig[];
  batchSize: number;
  retryMaxMs: number;
  timeoutMs: number;
  /** How long one node's claim to ship a sink holds (renewed before each batch); more than timeoutMs + 1 s. */
  leaseMs: number;
}

/** Quotas (src/config/quotas.ts): each group's default token bucket, and the single-node store's bound. */
export interface QuotaConfig {
  defaults: Readonly<Record<QuotaGroup, Quota>>;
  /** Buckets kept in memory without Redis; beyond, the least recently used go first (they start over full). */
  memoryBuckets: number;
}

/** `production` refuses to start with development keys, certificates, debug logging or an initial password file. */
export type Mode = 'development' | 'production';

export interface Config {
  mode: Mode;
  dataDir: string;
  host: string;
  /** Where clients reach the API (the OpenAPI `servers` entry); default `https://<host>:<port>`. */
  publicUrl: string;
  port: number;
  httpPort: number | null;
  tlsCertPath: string | null;
  tlsKeyPath: string | null;
  logLevel: LogLevel;
  trustProxy: boolean | string;
  databaseUrl: string | null;
  databaseSchema: string | null;
  sqlitePath: string;
  /** PostgreSQL: waiting for a pool connection (STRONGROOM_DATABASE_CONNECT_TIMEOUT_MS, default 5000). */
  databaseConnectTimeoutMs: number;
  /** PostgreSQL: one statement's limit, server- and client-side (…_STATEMENT_TIMEOUT_MS, default 30000). */
  databaseStatementTimeoutMs: number;
  /** PostgreSQL: how long `serve` waits for the database at start, retrying (…_START_TIMEOUT_MS, default 60000). */
  databaseStartTimeoutMs: number;
  masterKeyFile: string;
  masterKey: string | null;
  /** `sealed`: the root key is recovered from Shamir shares at run time, never read from env or a file. */
  keyring: KeyringMode;
  keyringFile: string;
  redisUrl: string | null;
  redisKeyPrefix: string;
  /** Longest wait for one Redis command of a quota check; then the request is answered 503. */
  redisCommandTimeoutMs: number;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  signingKeyRotationSeconds: number;
  passwordMinLength: number;
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  /** Failed logins per account and per address; passwords refused by the policy per user (`passwordCheck`). */
  throttle: { account: ThrottleConfig; address: ThrottleConfig; passwordCheck: ThrottleConfig };
  bodyLimitBytes: number;
  /** A whole request, headers and body, must arrive within this (STRONGROOM_REQUEST_TIMEOUT_MS, default 30000). */
  requestTimeoutMs: number;
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
  quotas: QuotaConfig;
}

/** Settings given on the command line; undefined means "not given". */
export type ConfigFlags = Partial<Record<string, string | number | boolean | undefined>>;
