export type { AuditEvent, AuditOutcome, AuditResource, ChainedEvent } from './audit-event.js';
export { isAuditEvent } from './audit-event.js';
export { canonicalEventBytes } from './canonical-event.js';
export { canonicalJson } from './canonical-json.js';
export type { Checkpoint, CheckpointClaim } from './checkpoint.js';
export { checkpointKeyId, signCheckpoint, verifyCheckpoint } from './checkpoint.js';
export { chainEvent, GENESIS_HASH, hashEvent, isIntactEvent } from './hash-chain.js';
export type { ChainProblem, ChainVerdict, VerifyChainOptions } from './verify-chain.js';
export { verifyChain } from './verify-chain.js';
