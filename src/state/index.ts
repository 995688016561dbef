export {
  type AttemptPolicy,
  type AttemptStore,
  blockDelayMs,
  createMemoryAttemptStore,
} from './attempt-store.js';
export { createRedisAttemptStore } from './redis-attempt-store.js';
