/** Schemas of the audit routes: events, checkpoints and their cursors, every value bounded. */
import { AUDIT_OUTCOMES, RELEASE_LEVELS } from '../audit/index.js';
import { resourcePaths } from '../policy/index.js';
import { AUDIT_ACTIONS, MAX_AUDIT_FIELDS } from '../services/audit/index.js';
import { base64url, integer, sha256Hex, timestamp } from './schema-bounds.js';

/** Checkpoint signing keys: one, or one per node that raced to create the first (every node signs with the newest). */
export const MAX_EXPORTED_KEYS = 16;
export const CHECKPOINT_PAGE = 1000;

/** Who may read the audit trail: whoever the policy grants `read_audit` on `audit`. */
export const READ_AUDIT = { action: 'read_audit', resource: resourcePaths.audit() } as const;

export const identifier = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9_$][A-Za-z0-9_.:$-]*$',
} as const;
export const hash = sha256Hex;
export const OUTCOMES = AUDIT_OUTCOMES;

/** An audit cursor: the seq of the previous page's last event. */
export const seqCursor = { type: 'string', maxLength: 16, pattern: '^[0-9]{1,15}$' } as const;

/** What an HMAC'd identifier looks like in the trail: `hmac:` and 64 lower-case hex digits. */
export const hmacIdentifier = { type: 'string', maxLength: 69, pattern: '^hmac:[0-9a-f]{64}$' } as const;

/**
 * One audit event as every reader sees it (`GET /v1/audit/events`, `strongroom audit export`, the JSONL mirror,
 * the sinks): the wire form of src/audit/wire-event.ts. docs/audit-event.schema.json is this schema as a file
 * (test/audit/event-schema.test.ts keeps them equal and validates emitted events against the file).
 */
export const eventSchema = {
  $id: 'AuditEvent',
  title: 'Strongroom audit event',
  description:
    'One hash-chained audit event. Identifiers only, never a value: sensitive identifiers appear as their keyed HMAC (`POST /v1/audit/hash`).',
  type: 'object',
  required: ['seq', 'time', 'actor', 'action', 'resource', 'outcome', 'prev_hash', 'hash'],
  additionalProperties: false,
  properties: {
    seq: { ...integer(1), description: 'Position in the trail: 1, 2, 3, … without gaps' },
    time: timestamp,
    actor: {
      ...identifier,
      type: ['string', 'null'],
      description: '`user:<id>`, the HMAC of an unknown username, or null (anonymous)',
    },
    action: { type: 'string', enum: [...AUDIT_ACTIONS] },
    resource: {
      type: 'object',
      additionalProperties: false,
      properties: {
        collection: identifier,
        record_id: identifier,
        fields: {
          type: 'array',
          maxItems: MAX_AUDIT_FIELDS,
          items: identifier,
          description: 'Fields read (that left), written, searched or filtered on',
        },
      },
    },
    purpose: { ...identifier, description: 'The purpose the caller stated (X-Access-Purpose)' },
    outcome: {
      type: 'string',
      enum: [...AUDIT_OUTCOMES],
      description: 'More outcomes may be added; treat an unknown one as not allowed',
    },
    reason: {
      type: 'object',
      required: ['code'],
      additionalProperties: false,
      description:
        'Why the outcome is not `allowed` (absent from events written before reasons were recorded)',
      properties: {
        code: {
          type: 'string',
          maxLength: 64,
          pattern: '^[A-Z][A-Z0-9_]{0,63}$',
          description:
            'A policy denial reason (DENIED_BY_RULE, NO_MATCHING_RULE, PURPOSE_REQUIRED, PURPOSE_UNKNOWN, INVALID_REQUEST) or an error code (RATE_LIMITED, TOO_MANY_ATTEMPTS, RECORD_NOT_FOUND, TOKEN_NOT_FOUND, INVALID_CREDENTIALS, …)',
        },
        role: { ...identifier, description: 'DENIED_BY_RULE: the role of the deny rule that matched' },
        rule: { ...integer(0, 255), description: 'DENIED_BY_RULE: its index in `roles.<role>.rules`' },
        policy_version: { ...integer(1), description: 'The policy version that decided' },
      },
    },
    release: {
      type: 'object',
      maxProperties: MAX_AUDIT_FIELDS,
      description:
        'Per field (and `subject`, the subject id), the level at which it left: plain, masked, redacted (null), withheld (denied)',
      propertyNames: identifier,
      additionalProperties: { type: 'string', enum: [...RELEASE_LEVELS] },
    },
    subject: {
      ...hmacIdentifier,
      description:
        'The data subject the event concerns, as `POST /v1/audit/hash` with kind `subject` answers',
    },
    actor_subject: {
      ...hmacIdentifier,
      description:
        "The acting user's subject id (when it has one), in the `hmac:` form of `subject`: what finds a person's own logins, password changes and reads",
    },
    request_id: identifier,
    client_address: {
      type: 'string',
      maxLength: 45,
      pattern: '^(?:[0-9A-Fa-f:.]+|invalid)$',
      description: 'An IPv4 or IPv6 address, or `invalid`',
    },
    prev_hash: { ...hash, description: "The previous event's `hash` (64 zeros for seq 1): a gap shows here" },
    hash: {
      ...hash,
      description:
        'SHA-256 chain hash of this event (src/audit/hash-chain.ts, over the names of docs/audit.md)',
    },
  },
} as const;

/** A page of events (`GET /v1/audit/events`, `POST /v1/audit/events/search`). */
export const eventPageSchema = {
  type: 'object',
  required: ['events', 'next_cursor'],
  additionalProperties: false,
  properties: {
    events: { type: 'array', maxItems: 500, items: { $ref: 'AuditEvent#' } },
    next_cursor: {
      ...seqCursor,
      type: ['string', 'null'],
      description: 'Pass back as `cursor`; null on the last page',
    },
  },
} as const;

export const checkpointSchema = {
  type: 'object',
  required: ['seq', 'hash', 'time', 'kid', 'signature'],
  additionalProperties: false,
  properties: {
    seq: integer(1),
    hash,
    time: timestamp,
    kid: base64url(32),
    signature: { ...base64url(64), description: 'Ed25519, base64url (see src/audit/checkpoint.ts)' },
  },
} as const;

/** The event schema as published in docs/audit-event.schema.json (JSON Schema draft-07, standalone). */
export function publishedEventSchema() {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...eventSchema,
    $id: 'urn:strongroom:audit-event',
  };
}
