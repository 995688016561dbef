/**
 * Quotas of a node: buckets in Redis when it is configured (shared by every node), in this node's memory
 * otherwise; role quotas come from the policy in force, defaults from the configuration.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createQuotaService, type PolicyService } from '../services/index.js';
import { createMemoryQuotaStore, createRedisQuotaStore } from '../state/index.js';

export function createQuotas(deps: {
  config: Readonly<Config>;
  policies: Pick<PolicyService, 'policy'>;
  clock: () => number;
  logger: Logger;
}) {
  const { config } = deps;
  const store =
    config.redisUrl === null
      ? createMemoryQuotaStore({ maxBuckets: config.quotas.memoryBuckets })
      : createRedisQuotaStore({
          url: config.redisUrl,
          prefix: config.redisKeyPrefix,
          commandTimeoutMs: config.redisCommandTimeoutMs,
          onError: (err) => deps.logger.warn({ err }, 'quota store: Redis error'),
        });
  const service = createQuotaService({
    store,
    defaults: config.quotas.defaults,
    policy: () => deps.policies.policy(),
    clock: deps.clock,
  });
  return { store, service };
}
