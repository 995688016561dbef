export {
  type AttemptPolicy,
  type AttemptStore,
  blockDelayMs,
  createMemoryAttemptStore,
} from './attempt-store.js';
export { createMemoryQuotaStore } from './memory-quota-store.js';
export { createRedisAttemptStore } from './redis-attempt-store.js';
export { createRedisQuotaStore } from './redis-quota-store.js';
export { type QuotaOutcome, type QuotaStore, takeTokens, UNITS_PER_TOKEN } from './token-bucket.js';
