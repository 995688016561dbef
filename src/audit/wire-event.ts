/**
 * The one published form of an audit event (docs/audit.md, docs/audit-event.schema.json): snake_case names, the
 * same for `GET /v1/audit/events`, `strongroom audit export`, the JSONL mirror and every sink.
 * Invariants: `fromWireEvent(toWireEvent(e))` is `e` again, key for key, so whoever receives the wire form can
 * recompute every chain hash (`hashEvent(prev_hash, fromWireEvent(line))` must equal `hash`) and see a gap as a
 * `prev_hash` that is not the previous event's `hash`. Only the names differ: the hashed (canonical) form keeps
 * the names events were first written with (`recordId`, `requestId`, `clientAddress`; `actorSubject` for
 * `actor_subject`), so no stored hash changes.
 */
import type { AuditEvent, AuditReason, ChainedEvent, ReleaseLevel } from './audit-event.js';

export interface WireEvent {
  seq: number;
  time: string;
  actor: string | null;
  action: string;
  resource: { collection?: string; record_id?: string; fields?: string[] };
  purpose?: string;
  outcome: string;
  reason?: AuditReason;
  release?: Record<string, ReleaseLevel>;
  subject?: string;
  actor_subject?: string;
  request_id?: string;
  client_address?: string;
  prev_hash: string;
  hash: string;
}

/** The published form of a chained event. */
export function toWireEvent(event: ChainedEvent): WireEvent {
  const { collection, recordId, fields } = event.resource;
  return {
    seq: event.seq,
    time: event.time,
    actor: event.actor,
    action: event.action,
    resource: {
      ...(collection === undefined ? {} : { collection }),
      ...(recordId === undefined ? {} : { record_id: recordId }),
      ...(fields === undefined ? {} : { fields }),
    },
    ...(event.purpose === undefined ? {} : { purpose: event.purpose }),
    outcome: event.outcome,
    ...(event.reason === undefined ? {} : { reason: event.reason }),
    ...(event.release === undefined ? {} : { release: event.release }),
    ...(event.subject === undefined ? {} : { subject: event.subject }),
    ...(event.actorSubject === undefined ? {} : { actor_subject: event.actorSubject }),
    ...(event.requestId === undefined ? {} : { request_id: event.requestId }),
    ...(event.clientAddress === undefined ? {} : { client_address: event.clientAddress }),
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

/** The chained event a published one stands for (not validated: `isIntactEvent` judges the result). */
export function fromWireEvent(wire: WireEvent): ChainedEvent {
  const { collection, record_id: recordId, fields } = wire.resource;
  const event: AuditEvent = {
    seq: wire.seq,
    time: wire.time,
    actor: wire.actor,
    action: wire.action,
    resource: {
      ...(collection === undefined ? {} : { collection }),
      ...(recordId === undefined ? {} : { recordId }),
      ...(fields === undefined ? {} : { fields }),
    },
    ...(wire.purpose === undefined ? {} : { purpose: wire.purpose }),
    outcome: wire.outcome as AuditEvent['outcome'],
    ...(wire.reason === undefined ? {} : { reason: wire.reason }),
    ...(wire.release === undefined ? {} : { release: wire.release }),
    ...(wire.subject === undefined ? {} : { subject: wire.subject }),
    ...(wire.actor_subject === undefined ? {} : { actorSubject: wire.actor_subject }),
    ...(wire.request_id === undefined ? {} : { requestId: wire.request_id }),
    ...(wire.client_address === undefined ? {} : { clientAddress: wire.client_address }),
  };
  return { ...event, prevHash: wire.prev_hash, hash: wire.hash };
}
