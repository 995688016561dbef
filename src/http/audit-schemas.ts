/** Schemas of the audit routes: events, checkpoints and their cursors, every value bounded. */
import { AUDIT_ACTIONS, MAX_AUDIT_FIELDS } from '../services/audit/index.js';
import { base64url, integer, sha256Hex, timestamp } from './schema-bounds.js';

/** Checkpoint signing keys: one, or one per node that raced to create the first (every node signs with the newest). */
export const MAX_EXPORTED_KEYS = 16;
export const CHECKPOINT_PAGE = 1000;

export const identifier = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9_$][A-Za-z0-9_.:$-]*$',
} as const;
export const hash = sha256Hex;
export const OUTCOMES = ['allowed', 'denied', 'rate_limited', 'failed', 'not_found'] as const;

/** An audit cursor: the seq of the previous page's last event. */
export const seqCursor = { type: 'string', maxLength: 16, pattern: '^[0-9]{1,15}$' } as const;

export const eventSchema = {
  $id: 'AuditEvent',
  type: 'object',
  required: ['seq', 'time', 'actor', 'action', 'resource', 'outcome', 'prev_hash', 'hash'],
  additionalProperties: false,
  properties: {
    seq: integer(1),
    time: timestamp,
    actor: { ...identifier, type: ['string', 'null'] },
    action: { type: 'string', enum: [...AUDIT_ACTIONS] },
    resource: {
      type: 'object',
      additionalProperties: false,
      properties: {
        collection: identifier,
        record_id: identifier,
        fields: { type: 'array', maxItems: MAX_AUDIT_FIELDS, items: identifier },
      },
    },
    purpose: identifier,
    outcome: { type: 'string', enum: [...OUTCOMES] },
    request_id: identifier,
    client_address: {
      type: 'string',
      maxLength: 45,
      pattern: '^(?:[0-9A-Fa-f:.]+|invalid)$',
      description: 'An IPv4 or IPv6 address, or `invalid`',
    },
    prev_hash: hash,
    hash,
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
