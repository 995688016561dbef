export {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditInput,
  MAX_AUDIT_FIELDS,
  toAuditEvent,
} from './audit-input.js';
export { type AuditLookup, createAuditLookup, LOOKUP_KINDS, type LookupKind } from './audit-lookup.js';
export { type AuditSettings, type AuditTrail, createAuditTrail } from './audit-trail.js';
export { appendChained } from './chain-append.js';
export { type CheckpointPublicKey, checkpointKeyAad, fromPublicJwk } from './checkpoint-signer.js';
export { fromEventRow } from './event-row.js';
export { auditSubjectOf, IDENTIFIER_HMAC_LABEL } from './identifier-hmac.js';
export { toJsonlLine } from './jsonl-mirror.js';
export {
  type CheckpointExport,
  exportStoredCheckpoints,
  parseCheckpointExport,
  readStoredChain,
  type StoredChainVerdict,
  verifyStoredChain,
} from './stored-chain.js';
