/** Conversion between chained audit events and their stored rows (the row adds filter copies only). */
import {
  type AuditEvent,
  type AuditReason,
  type ChainedEvent,
  canonicalJson,
  type ReleaseLevel,
} from '../../audit/index.js';
import type { AuditEventRow } from '../../storage/index.js';

/** The row that stores `event`. */
export function toEventRow(event: ChainedEvent): AuditEventRow {
  return {
    seq: event.seq,
    time: event.time,
    occurred_at: Date.parse(event.time),
    actor: event.actor,
    action: event.action,
    resource: canonicalJson(event.resource),
    collection: event.resource.collection ?? null,
    record_id: event.resource.recordId ?? null,
    purpose: event.purpose ?? null,
    outcome: event.outcome,
    request_id: event.requestId ?? null,
    client_address: event.clientAddress ?? null,
    prev_hash: event.prevHash,
    hash: event.hash,
    reason: event.reason === undefined ? null : canonicalJson(event.reason),
    release: event.release === undefined ? null : canonicalJson(event.release),
    subject: event.subject ?? null,
    actor_subject: event.actorSubject ?? null,
  };
}

/** A JSON column as stored; unparseable text becomes an empty-string marker the verifier rejects. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return '';
  }
}

/**
 * The chained event a row holds. Not validated here: a tampered row comes back as it is, and the chain
 * verifier (or `isIntactEvent`) judges it. An unparseable resource becomes an empty-string marker the
 * verifier rejects.
 */
export function fromEventRow(row: AuditEventRow): ChainedEvent {
  const resource = parsed(row.resource);
  const event = {
    seq: Number(row.seq),
    time: row.time,
    actor: row.actor,
    action: row.action,
    resource: resource as AuditEvent['resource'],
    outcome: row.outcome as AuditEvent['outcome'],
  } as ChainedEvent;
  if (row.purpose !== null) event.purpose = row.purpose;
  if (row.request_id !== null) event.requestId = row.request_id;
  if (row.client_address !== null) event.clientAddress = row.client_address;
  if (row.reason !== null) event.reason = parsed(row.reason) as AuditReason;
  if (row.release !== null) event.release = parsed(row.release) as Record<string, ReleaseLevel>;
  if (row.subject !== null) event.subject = row.subject;
  if (row.actor_subject !== null) event.actorSubject = row.actor_subject;
  event.prevHash = row.prev_hash;
  event.hash = row.hash;
  return event;
}
