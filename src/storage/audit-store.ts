/**
 * Audit trail rows: chained events, the chain head, signed checkpoints and the checkpoint signing key. The
 * invariants of the chain (how appends serialize, what may delete events) are stated in `audit-chain.ts`.
 */
import type { Kysely } from 'kysely';
import { createAuditChain } from './audit-chain.js';
import { createAuditCheckpoints } from './audit-checkpoints.js';
import { createAuditSinkCursors } from './audit-sink-cursors.js';
import { createAuditSinkLeases } from './audit-sink-leases.js';
import type { DatabaseKind } from './database.js';
import type { Database } from './schema.js';

export type { AuditEventFilter, AuditEventRow, AuditHead } from './audit-chain.js';
export type { AuditCheckpointRow, AuditSigningKeyRow } from './audit-checkpoints.js';
export type { AuditSinkCursorsTable } from './audit-sink-cursors.js';
export type { AuditSinkLeasesTable } from './audit-sink-leases.js';

export function createAuditStore(db: Kysely<Database>, kind: DatabaseKind) {
  return {
    ...createAuditChain(db, kind),
    ...createAuditCheckpoints(db),
    ...createAuditSinkCursors(db),
    ...createAuditSinkLeases(db),
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;
