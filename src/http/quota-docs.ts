/**
 * What the OpenAPI document says about quotas, derived from each route's quota plan (quota-plan.ts) so it says
 * what the server sends: on every quota-governed operation, the RateLimit headers on each 2xx and 4xx response
 * and a 429 response with `Retry-After`; on exempt ones, nothing. Also the schema of a role's `quotas` in policy
 * documents.
 */
import { QUOTA_LIMITS, ROLE_QUOTA_GROUPS } from '../model/index.js';
import type { QuotaPlan } from './quota-plan.js';
import { errorRef } from './schemas.js';

const int32 = (minimum: number, maximum: number, description: string) =>
  ({ type: 'integer', format: 'int32', minimum, maximum, description }) as const;

// The longest refill: the largest capacity at one unit a minute.
const MAX_RESET_SECONDS = QUOTA_LIMITS.maxCapacity * 60;

export const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': int32(
    1,
    QUOTA_LIMITS.maxCapacity,
    'Capacity of the bucket this request was counted in: requests, or values for `reveal` and `detokenize`',
  ),
  'RateLimit-Remaining': int32(
    0,
    QUOTA_LIMITS.maxCapacity,
    'Whole units left in that bucket after this request',
  ),
  'RateLimit-Reset': int32(0, MAX_RESET_SECONDS, 'Seconds until that bucket is full again'),
} as const;

const RETRY_AFTER = int32(1, MAX_RESET_SECONDS, 'Seconds until the request could be admitted');

const isCounted = (status: string) => /^[24]\d\d$/.test(status);

/**
 * The responses of an operation with the quota headers added (a new object: response schemas can be shared
 * constants of several routes). `errorResponse` makes the description of an added 429.
 */
export function withQuotaResponses(
  plan: QuotaPlan | null | undefined,
  response: Record<string, unknown>,
  errorResponse: (status: number) => object,
): Record<string, unknown> {
  if (plan === null || plan === undefined) return response;
  const withLimits = { ...response, 429: response[429] ?? errorResponse(429) };
  return Object.fromEntries(
    Object.entries(withLimits).map(([status, value]) => {
      if (!isCounted(status)) return [status, value];
      const own = value === errorRef ? errorResponse(Number(status)) : (value as { headers?: object });
      const headers = {
        ...(own as { headers?: object }).headers,
        ...(status === '429' ? { 'Retry-After': RETRY_AFTER } : {}),
        ...RATE_LIMIT_HEADERS,
      };
      return [status, { ...own, headers }];
    }),
  );
}

/** The `quotas` of a role in a policy document (policy/compile-quotas.ts checks them). */
export const roleQuotasSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Token buckets for this role, by quota group; groups not named keep the configured default',
  properties: Object.fromEntries(
    ROLE_QUOTA_GROUPS.map((group) => [
      group,
      {
        type: 'object',
        required: ['capacity', 'per_minute'],
        additionalProperties: false,
        properties: {
          capacity: int32(1, QUOTA_LIMITS.maxCapacity, 'Most units the bucket holds (the burst)'),
          per_minute: int32(1, QUOTA_LIMITS.maxPerMinute, 'Units regained a minute'),
        },
      },
    ]),
  ),
} as const;
