export type { Actor } from './actor.js';
export { QUOTA_GROUPS, QUOTA_LIMITS, type Quota, type QuotaGroup, ROLE_QUOTA_GROUPS } from './quota.js';
