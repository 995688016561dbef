export { type AttemptState, type AttemptStore, createMemoryAttemptStore } from './attempt-store.js';
