/**
 * Quotas: how many requests of each route group an identity may make, as token buckets (state/token-bucket.ts).
 * What it protects: the server's capacity against one caller's flood, and the vault against an insider (or a
 * stolen credential) draining it through reads that reveal values and through detokenization, which count
 * values, not requests.
 *
 * Invariants: an identity is a user (sessions), an API key (its own bucket, apart from its user's sessions) or a
 * client address (unauthenticated requests); its bucket for a group is the configured default unless its roles
 * set one in the policy in force, and with several roles the most generous applies (highest refill, then largest
 * capacity), so adding a role never lowers a quota; a role that sets no quota for a group counts as the default.
 * When the store cannot answer (Redis down or slow), `take` throws DEPENDENCY_UNAVAILABLE: nothing is admitted
 * unthrottled.
 * Not addressed: an attacker who holds many credentials has many buckets; per-address limits in front of the
 * server (a proxy) bound what a botnet of addresses can do.
 */
import { AppError } from '../errors.js';
import type { Quota, QuotaGroup } from '../model/index.js';
import type { Policy } from '../policy/index.js';
import type { QuotaOutcome, QuotaStore } from '../state/index.js';

/** Who is counted: `user:<id>`, `key:<api key id>` or `addr:<address>`, and the roles it acts with. */
export interface QuotaIdentity {
  key: string;
  roles: readonly string[];
}

function moreGenerous(a: Quota, b: Quota): Quota {
  if (a.perMinute !== b.perMinute) return a.perMinute > b.perMinute ? a : b;
  return a.capacity >= b.capacity ? a : b;
}

export function createQuotaService(deps: {
  store: QuotaStore;
  defaults: Readonly<Record<QuotaGroup, Quota>>;
  /** The policy in force, read at each take (role quotas change with it). */
  policy: () => Policy;
  clock: () => number;
}) {
  /** The bucket of `group` for an identity acting with `roles`. */
  function quotaFor(group: QuotaGroup, roles: readonly string[]): Quota {
    const fallback = deps.defaults[group];
    if (roles.length === 0) return fallback;
    const { quotas } = deps.policy();
    // The usual caller holds one role: answered without building a list on every request.
    if (roles.length === 1) return quotas.get(roles[0] as string)?.[group] ?? fallback;
    return roles
      .map((role) => quotas.get(role)?.[group] ?? fallback)
      .reduce((best, quota) => moreGenerous(best, quota));
  }

  return {
    quotaFor,

    /**
     * Takes `cost` tokens of `group` from the identity's bucket; throws DEPENDENCY_UNAVAILABLE if it cannot.
     * `quota` is what `quotaFor(group, identity.roles)` answered, when the caller already asked (found once).
     */
    /**
     * `take` without a promise, when the store holds its buckets in this process (one node, no Redis): the outcome,
     * or undefined when the store can only answer asynchronously (call `take`).
     */
    takeNow(
      identity: QuotaIdentity,
      group: QuotaGroup,
      cost: number,
      quota: Quota,
    ): QuotaOutcome | undefined {
      return deps.store.takeNow?.(`${group}:${identity.key}`, quota, cost, deps.clock());
    },

    async take(
      identity: QuotaIdentity,
      group: QuotaGroup,
      cost: number,
      quota: Quota = quotaFor(group, identity.roles),
    ): Promise<QuotaOutcome> {
      try {
        return await deps.store.take(`${group}:${identity.key}`, quota, cost, deps.clock());
      } catch (cause) {
        throw new AppError('DEPENDENCY_UNAVAILABLE', { cause });
      }
    },
  };
}

export type QuotaService = ReturnType<typeof createQuotaService>;
