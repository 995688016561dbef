/**
 * Shape of one audit trail entry. An entry records who did what to which record, and how it ended; it carries
 * identifiers only (collection, record id, field names), never field values, tokens or passwords.
 * Invariant: `isAuditEvent` accepts exactly the documented keys with the documented types, so an entry that
 * gained an extra key (for example a smuggled value) is rejected rather than silently hashed or ignored.
 * Compatibility: keys added later (`reason`, `release`, `subject`, `actorSubject`) are optional and absent from
 * older events, so an older event's canonical bytes, and therefore its chain hash, are what they were when it was
 * written.
 */

/** Every outcome an event may have (extend here: the trail, the HTTP schema and docs/audit-event.schema.json follow). */
export const AUDIT_OUTCOMES = ['allowed', 'denied', 'rate_limited', 'failed', 'not_found'] as const;

export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** The level at which one field left (`withheld`: the policy denied it, nothing of it left). */
export const RELEASE_LEVELS = ['plain', 'masked', 'redacted', 'withheld'] as const;

export type ReleaseLevel = (typeof RELEASE_LEVELS)[number];

/**
 * Why an event is not `allowed`: a stable code (an error code or a policy denial reason) and, for a policy rule
 * that denied, which rule (`roles.<role>.rules[<rule>]`) of which policy version. Never a value.
 */
export interface AuditReason {
  code: string;
  role?: string;
  rule?: number;
  policy_version?: number;
}

export interface AuditResource {
  collection?: string;
  recordId?: string;
  fields?: string[];
}

export interface AuditEvent {
  /** Position in the trail: 1 for the first event, then consecutive. */
  seq: number;
  /** RFC 3339 timestamp, upper-case `T` and `Z`/offset. */
  time: string;
  actor: string | null;
  action: string;
  resource: AuditResource;
  purpose?: string;
  outcome: AuditOutcome;
  requestId?: string;
  clientAddress?: string;
  /** Why the outcome is not `allowed` (events written before reasons were recorded have none). */
  reason?: AuditReason;
  /** Per field (and `subject`), the level at which it left. */
  release?: Record<string, ReleaseLevel>;
  /** The keyed HMAC (`hmac:` + hex) of the data subject the event concerns. */
  subject?: string;
  /**
   * The keyed HMAC (`hmac:` + hex, the form of `subject`) of the person who acted, when the acting user has a
   * subject id: what finds a person's own logins, password changes and reads. Absent when the user has none.
   */
  actorSubject?: string;
}

export interface ChainedEvent extends AuditEvent {
  /** Lower-case hex SHA-256 of the previous event, or `GENESIS_HASH` for seq 1. */
  prevHash: string;
  /** Lower-case hex SHA-256 chain hash of this event (see `hashEvent`). */
  hash: string;
}

const OUTCOMES: ReadonlySet<string> = new Set(AUDIT_OUTCOMES);
const LEVELS: ReadonlySet<string> = new Set(RELEASE_LEVELS);
const EVENT_KEYS: ReadonlySet<string> = new Set([
  'seq',
  'time',
  'actor',
  'action',
  'resource',
  'purpose',
  'outcome',
  'requestId',
  'clientAddress',
  'reason',
  'release',
  'subject',
  'actorSubject',
]);
const REASON_KEYS: ReadonlySet<string> = new Set(['code', 'role', 'rule', 'policy_version']);
const REASON_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const SUBJECT_HMAC = /^hmac:[0-9a-f]{64}$/;
const MAX_RELEASED = 256;
const RESOURCE_KEYS: ReadonlySet<string> = new Set(['collection', 'recordId', 'fields']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_IDENTIFIER_LENGTH = 512;

/** True when `value` is a well-formed audit event with no keys beyond the documented ones. */
export function isAuditEvent(value: unknown): value is AuditEvent {
  if (!isPlainObject(value) || !hasOnlyKeys(value, EVENT_KEYS)) return false;
  const { seq, time, actor, action, resource, purpose, outcome, requestId, clientAddress } = value;
  return (
    typeof seq === 'number' &&
    Number.isSafeInteger(seq) &&
    seq >= 1 &&
    isTimestamp(time) &&
    (actor === null || isIdentifier(actor)) &&
    isIdentifier(action) &&
    isResource(resource) &&
    isOptional(value, 'purpose', purpose) &&
    typeof outcome === 'string' &&
    OUTCOMES.has(outcome) &&
    isOptional(value, 'requestId', requestId) &&
    isOptional(value, 'clientAddress', clientAddress) &&
    (!('reason' in value) || isReason(value.reason)) &&
    (!('release' in value) || isRelease(value.release)) &&
    isSubjectHmac(value, 'subject') &&
    isSubjectHmac(value, 'actorSubject')
  );
}

function isSubjectHmac(owner: Record<string, unknown>, key: string): boolean {
  const value = owner[key];
  return !(key in owner) || (typeof value === 'string' && SUBJECT_HMAC.test(value));
}

function isReason(value: unknown): boolean {
  if (!isPlainObject(value) || !hasOnlyKeys(value, REASON_KEYS)) return false;
  const { code, rule, policy_version: version } = value;
  return (
    typeof code === 'string' &&
    REASON_CODE.test(code) &&
    isOptional(value, 'role', value.role) &&
    (!('rule' in value) || (Number.isSafeInteger(rule) && (rule as number) >= 0)) &&
    (!('policy_version' in value) || (Number.isSafeInteger(version) && (version as number) >= 1))
  );
}

function isRelease(value: unknown): boolean {
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= MAX_RELEASED &&
    entries.every(([field, level]) => isIdentifier(field) && typeof level === 'string' && LEVELS.has(level))
  );
}

function isResource(value: unknown): boolean {
  if (!isPlainObject(value) || !hasOnlyKeys(value, RESOURCE_KEYS)) return false;
  const { collection, recordId, fields } = value;
  if (!isOptional(value, 'collection', collection) || !isOptional(value, 'recordId', recordId)) return false;
  if (!('fields' in value)) return true;
  return Array.isArray(fields) && fields.every(isIdentifier);
}

// Absent is fine; present-but-undefined is not, so `{}` and `{ purpose: undefined }` cannot both be "the same" event.
function isOptional(owner: object, key: string, value: unknown): boolean {
  return !(key in owner) || isIdentifier(value);
}

function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_IDENTIFIER_LENGTH;
}

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasOnlyKeys(value: object, allowed: ReadonlySet<string>): boolean {
  return Object.getOwnPropertySymbols(value).length === 0 && Object.keys(value).every((k) => allowed.has(k));
}
