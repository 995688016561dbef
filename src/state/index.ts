export {
  type AttemptPolicy,
  type AttemptStore,
  blockDelayMs,
  createMemoryAttemptStore,
} from './attempt-store.js';
export { createMemoryQuotaStore } from './memory-quota-store.js';
export { createRedisAttemptStore } from './redis-attempt-store.js';
export { createRedisInvalidationChannel } from './redis-invalidation-channel.js';
export { createRedisQuotaStore } from './redis-quota-store.js';
export {
  createRevocationBus,
  decodeInvalidation,
  encodeInvalidation,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  type Invalidation,
  type InvalidationChannel,
  type RevocationBus,
} from './revocation-bus.js';
export { type QuotaOutcome, type QuotaStore, takeTokens, UNITS_PER_TOKEN } from './token-bucket.js';
