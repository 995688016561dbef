/**
 * Shape of one audit trail entry. An entry records who did what to which record, and how it ended; it carries
 * identifiers only (collection, record id, field names), never field values, tokens or passwords.
 * Invariant: `isAuditEvent` accepts exactly the documented keys with the documented types, so an entry that
 * gained an extra key (for example a smuggled value) is rejected rather than silently hashed or ignored.
 */

export type AuditOutcome = 'allowed' | 'denied' | 'rate_limited' | 'failed';

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
}

export interface ChainedEvent extends AuditEvent {
  /** Lower-case hex SHA-256 of the previous event, or `GENESIS_HASH` for seq 1. */
  prevHash: string;
  /** Lower-case hex SHA-256 chain hash of this event (see `hashEvent`). */
  hash: string;
}

const OUTCOMES: ReadonlySet<string> = new Set(['allowed', 'denied', 'rate_limited', 'failed']);
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
]);
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
    isOptional(value, 'clientAddress', clientAddress)
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
