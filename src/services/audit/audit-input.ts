/**
 * What callers hand the audit trail, and the rules that keep values out of it.
 * Invariants: an event carries identifiers only. `action` comes from a closed list; every other string must look
 * like an identifier (no spaces, no `@`, at most 200 characters) and must not look like a secret (our tokens and
 * keys, JWTs, card numbers, SSNs: the log redaction detectors); a client address that is not an IP becomes
 * `invalid`. A violation is a programming error: it throws TypeError before anything is queued or written.
 * Threats addressed: a caller passing a field value, a searched email or a typed-in username into the trail.
 * Sensitive identifiers must be passed through `hmacIdentifier` first; the trail cannot tell a rare username from
 * a record id, so that rule stays the caller's.
 */
import { isIP } from 'node:net';
import { findSecrets } from '@strongroom/redact';
import {
  type AuditEvent,
  type AuditOutcome,
  type AuditReason,
  isAuditEvent,
  type ReleaseLevel,
} from '../../audit/index.js';

/** Every action an audit event may name. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.lockout',
  'auth.refresh',
  'auth.refresh_reuse',
  'auth.logout',
  'auth.password_change',
  'auth.credential_exposed',
  'auth.introspect',
  'api_key.create',
  'api_key.revoke',
  'user.create',
  'user.update',
  'user.delete',
  'user.password_reset',
  'policy.update',
  'collection.create',
  'collection.update',
  'collection.drop',
  'collection.read',
  'record.create',
  'record.read',
  'record.list',
  'record.search',
  'record.update',
  'record.delete',
  'record.tokenize',
  'record.detokenize',
  'token.delete',
  'subject.erase',
  'key.rotate',
  'key.read',
  'audit.query',
  'audit.hash',
  'audit.export',
  'audit.checkpoints',
  'system.posture',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One event as a caller describes it; the trail adds seq and time. */
export interface AuditInput {
  /** `user:<id>`, `api_key:<id>`, an `hmacIdentifier` result for an unknown username, or null (anonymous). */
  actor: string | null;
  action: AuditAction;
  resource?: { collection?: string; recordId?: string; fields?: readonly string[] };
  purpose?: string;
  outcome: AuditOutcome;
  requestId?: string;
  clientAddress?: string;
  /** Why the outcome is not `allowed`: a stable code, never a value. */
  reason?: AuditReason;
  /** Per field (and `subject`), the level it left at. */
  release?: Readonly<Record<string, ReleaseLevel>>;
  /** The data subject, as `auditSubjectOf` makes it (`hmac:` + hex). */
  subject?: string;
  /** The acting person, as `auditSubjectOf` makes it from the actor's subject hash; absent when it has none. */
  actorSubject?: string;
}

const ACTIONS: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/** Field names one event may list: a collection's fields and `subject`, with room to spare. */
export const MAX_AUDIT_FIELDS = 128;
const IDENTIFIER = /^[A-Za-z0-9_$][A-Za-z0-9_.:$-]{0,199}$/;
/**
 * Strings that passed the check (it is a pure function of the string): field and collection names, actors and
 * purposes repeat in every event, so their secret scan runs once. Bounded: cleared when full.
 */
const checked = new Set<string>();
const CHECKED_LIMIT = 4096;

function checkIdentifier(value: string, name: string): string {
  if (checked.has(value)) return value;
  if (!IDENTIFIER.test(value) || findSecrets(value).length > 0) {
    throw new TypeError(`audit event: ${name} is not an identifier`);
  }
  if (checked.size >= CHECKED_LIMIT) checked.clear();
  checked.add(value);
  return value;
}

/** Builds the event stored at `seq`; throws TypeError when the input could carry a value. */
export function toAuditEvent(input: AuditInput, seq: number, time: string): AuditEvent {
  if (!ACTIONS.has(input.action)) throw new TypeError('audit event: unknown action');
  const resource: AuditEvent['resource'] = {};
  const { collection, recordId, fields } = input.resource ?? {};
  if (collection !== undefined) resource.collection = checkIdentifier(collection, 'collection');
  if (recordId !== undefined) resource.recordId = checkIdentifier(recordId, 'recordId');
  if (fields !== undefined) {
    if (fields.length > MAX_AUDIT_FIELDS) throw new TypeError('audit event: too many fields');
    resource.fields = fields.map((f) => checkIdentifier(f, 'field'));
  }
  const event: AuditEvent = {
    seq,
    time,
    actor: input.actor === null ? null : checkIdentifier(input.actor, 'actor'),
    action: input.action,
    resource,
    outcome: input.outcome,
  };
  if (input.purpose !== undefined) event.purpose = checkIdentifier(input.purpose, 'purpose');
  if (input.requestId !== undefined) event.requestId = checkIdentifier(input.requestId, 'requestId');
  if (input.clientAddress !== undefined) {
    // Behind a trusted proxy the address comes from a header: keep only what really is an IP address.
    event.clientAddress = isIP(input.clientAddress) === 0 ? 'invalid' : input.clientAddress;
  }
  if (input.reason !== undefined) event.reason = checkReason(input.reason);
  if (input.release !== undefined) {
    const entries = Object.entries(input.release);
    if (entries.length > MAX_AUDIT_FIELDS) throw new TypeError('audit event: too many fields');
    event.release = Object.fromEntries(entries.map(([f, level]) => [checkIdentifier(f, 'field'), level]));
  }
  if (input.subject !== undefined) event.subject = input.subject;
  if (input.actorSubject !== undefined) event.actorSubject = input.actorSubject;
  if (!isAuditEvent(event)) throw new TypeError('audit event: malformed');
  return event;
}

function checkReason(reason: AuditReason): AuditReason {
  const out: AuditReason = { code: reason.code };
  // A role name the identifier rule does not accept (the policy allows a leading `.` or `-`) is left out.
  if (reason.role !== undefined && IDENTIFIER.test(reason.role))
    out.role = checkIdentifier(reason.role, 'role');
  if (reason.rule !== undefined) out.rule = reason.rule;
  if (reason.policy_version !== undefined) out.policy_version = reason.policy_version;
  return out;
}
