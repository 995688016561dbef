/**
 * Which channel carries this node's revocations (state/revocation-bus.ts): Redis pub/sub when Redis is configured
 * (every node then shares it), else PostgreSQL LISTEN/NOTIFY on a PostgreSQL database, else none (SQLite is one
 * node: changes are dropped in-process only). Channel errors are logged, never fatal.
 */

import { CREDENTIAL_CACHE_MAX_AGE_MS } from '../auth/index.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createRedisInvalidationChannel, createRevocationBus, type RevocationBus } from '../state/index.js';
import { createPgInvalidationChannel, type DatabaseHandle } from '../storage/index.js';

export function openRevocationBus(
  config: Readonly<Config>,
  database: Pick<DatabaseHandle, 'db' | 'kind'>,
  logger: Pick<Logger, 'warn'>,
): RevocationBus {
  const onError = (err: unknown) => logger.warn({ err }, 'revocation channel error');
  const channel =
    config.redisUrl !== null
      ? createRedisInvalidationChannel({
          url: config.redisUrl,
          prefix: config.redisKeyPrefix,
          commandTimeoutMs: config.redisCommandTimeoutMs,
          onError,
        })
      : database.kind === 'postgres' && config.databaseUrl !== null
        ? createPgInvalidationChannel({
            db: database.db,
            url: config.databaseUrl,
            schema: config.databaseSchema,
            connectTimeoutMs: config.databaseConnectTimeoutMs,
            onError,
          })
        : null;
  return createRevocationBus({ channel, retryForMs: CREDENTIAL_CACHE_MAX_AGE_MS, onError });
}
