/**
 * The bytes an audit event is hashed over: UTF-8 canonical JSON (see canonical-json.ts) of the event alone,
 * without its chain fields. Invariant: only events that pass `isAuditEvent` are encoded, so the hash input
 * cannot carry undocumented keys.
 */
import { type AuditEvent, isAuditEvent } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';

/** UTF-8 canonical JSON of a validated audit event; throws TypeError for a malformed event. */
export function canonicalEventBytes(event: AuditEvent): Buffer {
  if (!isAuditEvent(event)) throw new TypeError('invalid audit event');
  return Buffer.from(canonicalJson(event), 'utf8');
}
