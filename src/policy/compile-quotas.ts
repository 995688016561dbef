/**
 * A role's quotas in the policy document: `roles.<role>.quotas.<group>: { capacity, per_minute }`, one token bucket
 * per route group (model/quota.ts) for every identity acting with that role. Groups the role does not name keep
 * the configured default; an identity with several roles gets, per group, the most generous of its roles'
 * buckets (services/quota-service.ts).
 *
 * Invariants: unknown groups and keys are errors, never ignored; `auth` cannot be set per role (it counts client
 * addresses before anyone is authenticated); capacity and refill are whole numbers within QUOTA_LIMITS, so a
 * typo cannot switch a quota off.
 */
import { QUOTA_LIMITS, type Quota, type QuotaGroup, ROLE_QUOTA_GROUPS } from '../model/index.js';
import { describeKey, invalidPolicy } from './policy-error.js';

/** The buckets a role sets, by group. */
export type RoleQuotas = Readonly<Partial<Record<QuotaGroup, Quota>>>;

function isObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function wholeNumber(raw: unknown, path: string, max: number): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > max) {
    throw invalidPolicy(path, `must be a whole number from 1 to ${max}`);
  }
  return raw;
}

function compileQuota(raw: unknown, path: string): Quota {
  if (!isObject(raw)) throw invalidPolicy(path, 'must be an object');
  const keys = Object.keys(raw);
  const unknown = keys.findIndex((key) => key !== 'capacity' && key !== 'per_minute');
  if (unknown !== -1)
    throw invalidPolicy(path, `has an unknown key ${describeKey(keys[unknown] ?? '', unknown)}`);
  return Object.freeze({
    capacity: wholeNumber(raw.capacity, `${path}.capacity`, QUOTA_LIMITS.maxCapacity),
    perMinute: wholeNumber(raw.per_minute, `${path}.per_minute`, QUOTA_LIMITS.maxPerMinute),
  });
}

/** Validates a role's `quotas` object (absent: none) and returns it frozen; throws VALIDATION_FAILED with the path. */
export function compileRoleQuotas(raw: unknown, path: string): RoleQuotas {
  if (raw === undefined) return Object.freeze({});
  if (!isObject(raw)) throw invalidPolicy(path, 'must be an object');
  const quotas: Partial<Record<QuotaGroup, Quota>> = {};
  for (const [index, [group, value]] of Object.entries(raw).entries()) {
    const known = ROLE_QUOTA_GROUPS.find((candidate) => candidate === group);
    if (known === undefined) {
      throw invalidPolicy(
        path,
        `has an unknown quota group ${describeKey(group, index)} (one of ${ROLE_QUOTA_GROUPS.join(', ')})`,
      );
    }
    quotas[known] = compileQuota(value, `${path}.${known}`);
  }
  return Object.freeze(quotas);
}
