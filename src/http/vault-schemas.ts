/** JSON schemas shared by the collection, record and token routes. Response schemas are allow-lists. */
import type { FastifyRequest } from 'fastify';
import type { Caller, RecordView } from '../services/index.js';
import { COLLECTION_NAME_PATTERN, FIELD_NAME_PATTERN, FIELD_TYPES, MAX_FIELDS } from '../vault/index.js';
import { auditContext } from './audit-context.js';
import { actorOf } from './plugins/authenticate.js';
import { isoTime, timestamp, uuidParam } from './schemas.js';

/** The caller as the record services see it. */
export function callerOf(request: FastifyRequest): Caller {
  return {
    actor: actorOf(request),
    ...(request.purpose === null ? {} : { purpose: request.purpose }),
    audit: auditContext(request),
  };
}

export const collectionParam = {
  type: 'object',
  required: ['collection'],
  additionalProperties: false,
  properties: { collection: { type: 'string', pattern: COLLECTION_NAME_PATTERN } },
} as const;

export const recordParams = {
  type: 'object',
  required: ['collection', 'id'],
  additionalProperties: false,
  properties: { ...collectionParam.properties, id: uuidParam.properties.id },
} as const;

export const fieldDefinition = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: FIELD_NAME_PATTERN },
    type: { type: 'string', enum: [...FIELD_TYPES] },
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
  type: 'object',
  required: ['id', 'name', 'fields', 'created_at'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    fields: {
      type: 'array',
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
    name: { type: 'string', pattern: COLLECTION_NAME_PATTERN },
    fields: { type: 'array', minItems: 1, maxItems: MAX_FIELDS, items: fieldDefinition },
  },
} as const;

/** A field value as submitted: JSON scalars only (the collection's types check the rest). */
export const fieldValues = {
  type: 'object',
  maxProperties: MAX_FIELDS,
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
} as const;

const redactionLevel = { type: 'string', enum: ['plain', 'masked', 'redacted'] } as const;

export const recordBody = {
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
    id: { type: 'string' },
    collection: { type: 'string' },
    subject: {
      type: ['string', 'null'],
      description: 'The subject id: `***` unless `reveal` names `subject` (and the caller may see it)',
    },
    fields: { type: 'object', additionalProperties: { type: ['string', 'integer', 'boolean', 'null'] } },
    redaction: {
      type: 'object',
      description: 'The level at which each sensitive field is shown',
      additionalProperties: redactionLevel,
    },
    withheld: {
      type: 'object',
      description: 'Fields the policy does not let the caller see, with the reason (e.g. PURPOSE_REQUIRED)',
      additionalProperties: { type: 'string' },
    },
    revision: { type: 'integer' },
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

export const recordPage = {
  type: 'object',
  required: ['records', 'next_cursor'],
  additionalProperties: false,
  properties: { records: { type: 'array', items: recordBody }, next_cursor: { type: ['string', 'null'] } },
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
  cursor: { type: 'string', maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' },
  limit: { type: 'string', pattern: '^(?:[1-9][0-9]?|1[0-9]{2}|200)$', description: '1–200, default 50' },
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
