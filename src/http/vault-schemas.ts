/** JSON schemas shared by the collection, record and token routes. Response schemas are allow-lists. */
import type { FastifyRequest } from 'fastify';
import { DENY_REASONS } from '../policy/index.js';
import type { Caller, RecordView } from '../services/index.js';
import {
  COLLECTION_NAME_PATTERN,
  FIELD_NAME_PATTERN,
  FIELD_TYPES,
  FIELD_VALUE_MAX_LENGTH,
  MAX_FIELD_VALUE_LENGTH,
  MAX_FIELDS,
} from '../vault/index.js';
import { auditContext } from './audit-context.js';
import { actorOf } from './plugins/authenticate.js';
import { count, cursor, nullableCursor, pageLimit, subjectId, timestamp, uuid } from './schema-bounds.js';
import { isoTime, ref } from './schemas.js';

/** The caller as the record services see it. */
export function callerOf(request: FastifyRequest): Caller {
  return {
    actor: actorOf(request),
    ...(request.purpose === null ? {} : { purpose: request.purpose }),
    audit: auditContext(request),
  };
}

export const collectionName = { type: 'string', maxLength: 64, pattern: COLLECTION_NAME_PATTERN } as const;
export const fieldName = { type: 'string', maxLength: 64, pattern: FIELD_NAME_PATTERN } as const;

/** A submitted field value: a JSON scalar; strings up to the widest type's limit (each type checks its own). */
export const fieldValue = {
  type: ['string', 'number', 'boolean', 'null'],
  maxLength: MAX_FIELD_VALUE_LENGTH,
} as const;

/** A field value on the way out: canonical, masked or `***`. */
const storedValue = {
  type: ['string', 'integer', 'boolean', 'null'],
  maxLength: MAX_FIELD_VALUE_LENGTH,
  format: 'int64',
  minimum: Number.MIN_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
} as const;

function fieldLimitsText(): string {
  return FIELD_TYPES.map((type) => {
    const limit = FIELD_VALUE_MAX_LENGTH[type];
    return limit === null
      ? `${type}: JSON ${type === 'integer' ? 'safe integer' : 'boolean'}`
      : `${type}: ${limit}`;
  }).join(', ');
}

export const collectionParam = {
  type: 'object',
  required: ['collection'],
  additionalProperties: false,
  properties: { collection: collectionName },
} as const;

export const recordParams = {
  type: 'object',
  required: ['collection', 'id'],
  additionalProperties: false,
  properties: { ...collectionParam.properties, id: uuid },
} as const;

export const fieldDefinition = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name: fieldName,
    type: {
      type: 'string',
      enum: [...FIELD_TYPES],
      description: `Value limits (code points, after normalization): ${fieldLimitsText()}`,
    },
    sensitive: {
      type: 'boolean',
      description: 'Encrypted at rest and masked on the way out (default false)',
    },
    searchable: {
      type: 'boolean',
      description: 'Exact-match search through a blind index (sensitive fields only)',
    },
    required: { type: 'boolean' },
  },
} as const;

export const collectionBody = {
  $id: 'Collection',
  type: 'object',
  required: ['id', 'name', 'fields', 'created_at'],
  additionalProperties: false,
  properties: {
    id: uuid,
    name: collectionName,
    fields: {
      type: 'array',
      maxItems: MAX_FIELDS,
      items: { ...fieldDefinition, required: ['name', 'type', 'sensitive', 'searchable', 'required'] },
    },
    created_at: timestamp,
  },
} as const;

export const newCollection = {
  type: 'object',
  required: ['name', 'fields'],
  additionalProperties: false,
  properties: {
    name: collectionName,
    fields: { type: 'array', minItems: 1, maxItems: MAX_FIELDS, items: fieldDefinition },
  },
} as const;

/** A field value as submitted: JSON scalars only (the collection's types check the rest). */
export const fieldValues = {
  type: 'object',
  maxProperties: MAX_FIELDS,
  propertyNames: fieldName,
  additionalProperties: fieldValue,
} as const;

const redactionLevel = { type: 'string', enum: ['plain', 'masked', 'redacted'] } as const;

export const recordBody = {
  $id: 'Record',
  type: 'object',
  required: [
    'id',
    'collection',
    'subject',
    'fields',
    'redaction',
    'withheld',
    'revision',
    'created_at',
    'updated_at',
  ],
  additionalProperties: false,
  properties: {
    id: uuid,
    collection: collectionName,
    subject: {
      ...subjectId,
      minLength: 1,
      type: ['string', 'null'],
      description: 'The subject id: `***` unless `reveal` names `subject` (and the caller may see it)',
    },
    fields: { type: 'object', maxProperties: MAX_FIELDS, additionalProperties: storedValue },
    redaction: {
      type: 'object',
      description: 'The level at which each sensitive field is shown',
      maxProperties: MAX_FIELDS,
      additionalProperties: redactionLevel,
    },
    withheld: {
      type: 'object',
      description: 'Fields the policy does not let the caller see, with the reason (e.g. PURPOSE_REQUIRED)',
      maxProperties: MAX_FIELDS,
      additionalProperties: { type: 'string', enum: [...DENY_REASONS] },
    },
    revision: count,
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

export const recordPage = {
  $id: 'RecordPage',
  type: 'object',
  required: ['records', 'next_cursor'],
  additionalProperties: false,
  properties: {
    records: { type: 'array', maxItems: 200, items: ref(recordBody) },
    next_cursor: nullableCursor,
  },
} as const;

/** Read options in a query string: `reveal=a,b` and `redaction=masked|redacted`. */
export const readQuery = {
  reveal: {
    type: 'string',
    maxLength: 4096,
    pattern: '^[a-z0-9_]+(,[a-z0-9_]+)*$',
    description: 'Sensitive fields to return in plain (comma-separated); needs permission',
  },
  redaction: {
    type: 'string',
    enum: ['masked', 'redacted'],
    description: 'Level of the other sensitive fields',
  },
} as const;

export const pageQuery = {
  cursor,
  limit: pageLimit(200),
} as const;

export function parseReveal(reveal: string | undefined): string[] {
  return reveal === undefined ? [] : [...new Set(reveal.split(','))];
}

export function toRecordBody(collection: string, view: RecordView) {
  return {
    id: view.id,
    collection,
    subject: view.subject,
    fields: view.fields,
    redaction: view.redaction,
    withheld: view.withheld,
    revision: view.revision,
    created_at: isoTime(view.createdAt),
    updated_at: isoTime(view.updatedAt),
  };
}
