/**
 * The vocabulary of quotas (rate limits): the route groups a request is counted in, and a token bucket's size.
 * Types and closed lists only; the configuration (src/config/quotas.ts) and the policy document
 * (src/policy/compile-quotas.ts) both speak it.
 */

/**
 * Every group a quota-governed request is counted in. `reveal` counts record reads that name fields to reveal in
 * plain, `detokenize` the tokens turned back into values, `introspect` the token introspections of applications'
 * middleware; `auth` counts by client address (logins, refreshes, unseal shares and failed authentications), the
 * others by identity (user or API key).
 */
export const QUOTA_GROUPS = [
  'reads',
  'writes',
  'search',
  'tokenize',
  'detokenize',
  'reveal',
  'admin',
  'introspect',
  'auth',
] as const;
export type QuotaGroup = (typeof QUOTA_GROUPS)[number];

/** Groups a role's quota can set in the policy document: `auth` is per client address, before any role is known. */
export const ROLE_QUOTA_GROUPS = QUOTA_GROUPS.filter((group) => group !== 'auth');

/** A token bucket: holds at most `capacity` units and gains `perMinute` units a minute, spread evenly. */
export interface Quota {
  capacity: number;
  perMinute: number;
}

/** The bounds every configured or policy quota must respect (the OpenAPI headers' ranges follow from them). */
export const QUOTA_LIMITS = { maxCapacity: 1_000_000, maxPerMinute: 1_000_000 } as const;
