/**
 * The one configuration loader and the only reader of `process.env` (callers pass `env` in).
 * Precedence: command-line flags, then `STRONGROOM_*` environment variables, then embedded defaults.
 * Invalid values fail fast with a message naming the setting (never echoing a secret value).
 */
import path from 'node:path';
import { readQuotas } from './config/quotas.js';
import { createReader } from './config/reader.js';
import {
  readAudit,
  readDatabase,
  readIdentity,
  readKeySource,
  readModeAndLogLevel,
  readTransport,
} from './config/sections.js';
import type { Config, ConfigFlags } from './config/types.js';

export { type CliSettings, cliSettings } from './config/cli.js';
export { type ConfigErrorCode, configError, isConfigError } from './config/reader.js';
export { CLAIM_VALUE_MAX } from './config/sections.js';
export type * from './config/types.js';

/** Builds the frozen configuration from flags and environment. Throws a CONFIG_* AppError (see `configError`) on any invalid setting. */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = {}): Readonly<Config> {
  const read = createReader(flags, env);
  const dataDir = path.resolve(read.str('dataDir', './data'));
  const { mode, logLevel } = readModeAndLogLevel(read);
  const transport = readTransport(read);
  const database = readDatabase(read, dataDir);
  const identity = readIdentity(read);
  const keySource = readKeySource(read, dataDir);
  const policyFile = read.optional('policyFile');
  const config: Config = {
    mode,
    dataDir,
    logLevel,
    ...transport,
    ...database,
    ...keySource,
    ...identity,
    redisUrl: read.optional('redisUrl'),
    redisKeyPrefix: read.str('redisKeyPrefix', 'strongroom:'),
    redisCommandTimeoutMs: read.int('redisCommandTimeoutMs', 1000, 50, 60_000),
    bodyLimitBytes: read.int('bodyLimit', 65_536, 1024, 10 * 1024 * 1024),
    requestTimeoutMs: read.int('requestTimeoutMs', 30_000, 1000, 600_000),
    keyJobBatchSize: read.int('keyJobBatchSize', 200, 1, 10_000),
    keyJobPauseMs: read.int('keyJobPauseMs', 25, 0, 60_000),
    keyJobLeaseMs: read.int('keyJobLeaseMs', 30_000, 1000, 3_600_000),
    keyJobSettleMs: read.int('keyJobSettleMs', 30_000, 0, 3_600_000),
    policyFile: policyFile === null ? null : path.resolve(policyFile),
    dataKeyCacheSize: read.int('dataKeyCacheSize', 10_000, 1, 1_000_000),
    audit: readAudit(read),
    quotas: readQuotas(read),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
