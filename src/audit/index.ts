export type {
  AuditEvent,
  AuditOutcome,
  AuditReason,
  AuditResource,
  ChainedEvent,
  ReleaseLevel,
} from './audit-event.js';
export { AUDIT_OUTCOMES, isAuditEvent, RELEASE_LEVELS } from './audit-event.js';
export { canonicalEventBytes } from './canonical-event.js';
export { canonicalJson } from './canonical-json.js';
export type { Checkpoint, CheckpointClaim } from './checkpoint.js';
export { checkpointKeyId, signCheckpoint, verifyCheckpoint } from './checkpoint.js';
export { chainEvent, GENESIS_HASH, hashEvent, isIntactEvent } from './hash-chain.js';
export type { ChainProblem, ChainVerdict, VerifyChainOptions } from './verify-chain.js';
export { verifyChain } from './verify-chain.js';
export { fromWireEvent, toWireEvent, type WireEvent } from './wire-event.js';
