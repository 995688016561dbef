/**
 * Quota settings: one token bucket per route group (`STRONGROOM_QUOTA_<GROUP>_CAPACITY`, `…_PER_MINUTE`), the
 * default for every identity, and the memory bound of the single-node store. Roles can be given other buckets in
 * the policy document (`roles.<role>.quotas`); these defaults apply to every role that names none, and to client
 * addresses (`auth`).
 */
import { QUOTA_GROUPS, QUOTA_LIMITS, type Quota, type QuotaGroup } from '../model/index.js';
import type { SettingReader } from './reader.js';
import type { QuotaConfig } from './types.js';

/**
 * Burst and refill of each group. Generous for interactive and service use; reveal and detokenize count values
 * (records revealed, tokens detokenized) and refill slowly, since they are what drains a vault. Set them lower for
 * your deployment (README, Quotas).
 */
export const DEFAULT_QUOTAS: Readonly<Record<QuotaGroup, Quota>> = {
  reads: { capacity: 1200, perMinute: 1200 },
  writes: { capacity: 600, perMinute: 600 },
  search: { capacity: 600, perMinute: 300 },
  tokenize: { capacity: 600, perMinute: 600 },
  detokenize: { capacity: 600, perMinute: 120 },
  reveal: { capacity: 600, perMinute: 120 },
  admin: { capacity: 1200, perMinute: 1200 },
  // Applications' middleware introspects once per active session every few seconds (its revocation window), for
  // every session it serves: room for about 500 sessions checked every 5 s per API key; raise it per role.
  introspect: { capacity: 6000, perMinute: 6000 },
  auth: { capacity: 1000, perMinute: 600 },
};

const settingName = (group: QuotaGroup) => `quota${group[0]?.toUpperCase()}${group.slice(1)}`;

export function readQuotas(read: SettingReader): QuotaConfig {
  const defaults = Object.fromEntries(
    QUOTA_GROUPS.map((group) => {
      const name = settingName(group);
      const fallback = DEFAULT_QUOTAS[group];
      return [
        group,
        {
          capacity: read.int(`${name}Capacity`, fallback.capacity, 1, QUOTA_LIMITS.maxCapacity),
          perMinute: read.int(`${name}PerMinute`, fallback.perMinute, 1, QUOTA_LIMITS.maxPerMinute),
        },
      ];
    }),
  ) as Record<QuotaGroup, Quota>;
  return { defaults, memoryBuckets: read.int('quotaMemoryBuckets', 100_000, 1, 10_000_000) };
}
