/**
 * The audit trail over HTTP: query events, compute the HMAC of a known sensitive identifier, export checkpoints.
 * Every call is itself audited before it is answered (fail closed: 503 AUDIT_UNAVAILABLE when it cannot be).
 * Access is decided in one place: every audit route needs the policy's `read_audit` on `audit` (`READ_AUDIT`).
 * The value to hash travels in the body, never in the URL, and is never echoed, logged or stored.
 */
import type { FastifyInstance } from 'fastify';
import type { ChainedEvent } from '../../audit/index.js';
import { AppError } from '../../errors.js';
import { resourcePaths } from '../../policy/index.js';
import { AUDIT_ACTIONS, type AuditTrail } from '../../services/audit/index.js';
import { auditContext } from '../audit-context.js';
import {
  CHECKPOINT_PAGE,
  checkpointSchema,
  eventSchema,
  hash,
  identifier,
  MAX_EXPORTED_KEYS,
  OUTCOMES,
  seqCursor,
} from '../audit-schemas.js';
import { base64url, count, pageLimit, plainText, timestamp } from '../schema-bounds.js';
import { ref, responses } from '../schemas.js';

/** Who may read the audit trail: whoever the policy grants `read_audit` on `audit`. */
const READ_AUDIT = { action: 'read_audit', resource: resourcePaths.audit() } as const;

interface EventQuery {
  actor?: string;
  action?: string;
  collection?: string;
  record_id?: string;
  outcome?: string;
  since?: string;
  until?: string;
  cursor?: string;
  limit?: number;
}

function toBody(event: ChainedEvent) {
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
    ...(event.requestId === undefined ? {} : { request_id: event.requestId }),
    ...(event.clientAddress === undefined ? {} : { client_address: event.clientAddress }),
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AppError('VALIDATION_FAILED', { field: `querystring.${field}` });
  return ms;
}

export async function auditRoutes(app: FastifyInstance, options: { audit: AuditTrail }): Promise<void> {
  registerEvents(app, options.audit);
  registerSubjectHash(app, options.audit);
  registerVerification(app, options.audit);
}

function registerEvents(app: FastifyInstance, audit: AuditTrail): void {
  app.get<{ Querystring: EventQuery }>(
    '/v1/audit/events',
    {
      config: { access: 'authenticated', authorize: READ_AUDIT, audit: 'audit.query' },
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEvents',
        summary: 'Audit events in seq order, filtered, with cursor pagination',
        description:
          'Events carry identifiers only; search a sensitive identifier through its HMAC (`POST /v1/audit/hash`).',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            actor: identifier,
            action: { type: 'string', enum: [...AUDIT_ACTIONS] },
            collection: identifier,
            record_id: identifier,
            outcome: { type: 'string', enum: [...OUTCOMES] },
            since: { ...timestamp, description: 'Inclusive' },
            until: { ...timestamp, description: 'Exclusive' },
            cursor: { ...seqCursor, description: 'next_cursor of the previous page' },
            limit: { ...pageLimit(500), description: '1–500, default 100' },
          },
        },
        response: responses({
          200: {
            type: 'object',
            required: ['events', 'next_cursor'],
            additionalProperties: false,
            properties: {
              events: { type: 'array', maxItems: 500, items: ref(eventSchema) },
              next_cursor: { ...seqCursor, type: ['string', 'null'] },
            },
          },
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const since = parseTime(q.since, 'since');
      const until = parseTime(q.until, 'until');
      await audit.record({ ...auditContext(request), action: 'audit.query', outcome: 'allowed' });
      const page = await audit.query(
        {
          ...(q.actor === undefined ? {} : { actor: q.actor }),
          ...(q.action === undefined ? {} : { action: q.action }),
          ...(q.collection === undefined ? {} : { collection: q.collection }),
          ...(q.record_id === undefined ? {} : { recordId: q.record_id }),
          ...(q.outcome === undefined ? {} : { outcome: q.outcome }),
          ...(since === undefined ? {} : { since }),
          ...(until === undefined ? {} : { until }),
          ...(q.cursor === undefined ? {} : { afterSeq: Number(q.cursor) }),
        },
        q.limit ?? 100,
      );
      return {
        events: page.events.map(toBody),
        next_cursor: page.nextCursor === null ? null : String(page.nextCursor),
      };
    },
  );
}

function registerSubjectHash(app: FastifyInstance, audit: AuditTrail): void {
  app.post<{ Body: { value: string } }>(
    '/v1/audit/hash',
    {
      config: { access: 'authenticated', authorize: READ_AUDIT, audit: 'audit.hash' },
      schema: {
        tags: ['audit'],
        operationId: 'hashAuditIdentifier',
        summary:
          'The keyed HMAC under which the trail stores a sensitive identifier (e.g. an email searched for)',
        description: 'The value travels in the body and is never stored or logged.',
        body: {
          type: 'object',
          required: ['value'],
          additionalProperties: false,
          properties: { value: plainText(1024, 1) },
        },
        response: responses({
          200: {
            type: 'object',
            required: ['hmac'],
            additionalProperties: false,
            properties: {
              hmac: {
                type: 'string',
                maxLength: 69,
                pattern: '^hmac:[0-9a-f]{64}$',
                description: 'Use as the actor or record_id filter',
              },
            },
          },
        }),
      },
    },
    async (request) => {
      const hmac = audit.hmacIdentifier(request.body.value);
      await audit.record({ ...auditContext(request), action: 'audit.hash', outcome: 'allowed' });
      return { hmac };
    },
  );
}

function registerVerification(app: FastifyInstance, audit: AuditTrail): void {
  app.get<{ Querystring: { after?: string; limit?: number } }>(
    '/v1/audit/checkpoints',
    {
      config: { access: 'authenticated', authorize: READ_AUDIT, audit: 'audit.checkpoints' },
      schema: {
        tags: ['audit'],
        operationId: 'getAuditCheckpoints',
        summary:
          'Signed checkpoints and their public keys, to keep off the host for `strongroom audit verify`',
        description:
          'Signed chain heads and the public keys that verify them, oldest first, a page at a time: pass `next_cursor` back as `after` until it is null.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { ...seqCursor, description: 'next_cursor of the previous page' },
            limit: {
              ...pageLimit(CHECKPOINT_PAGE),
              description: `1–${CHECKPOINT_PAGE}, default ${CHECKPOINT_PAGE}`,
            },
          },
        },
        response: responses({
          200: {
            type: 'object',
            required: ['format', 'keys', 'checkpoints', 'anchor', 'next_cursor'],
            additionalProperties: false,
            properties: {
              format: { type: 'string', enum: ['strongroom-audit-checkpoints-v1'] },
              keys: {
                type: 'array',
                maxItems: MAX_EXPORTED_KEYS,
                items: {
                  type: 'object',
                  required: ['kty', 'crv', 'x', 'kid'],
                  additionalProperties: false,
                  properties: {
                    kty: { type: 'string', enum: ['OKP'] },
                    crv: { type: 'string', enum: ['Ed25519'] },
                    x: base64url(32),
                    kid: base64url(32),
                  },
                },
              },
              checkpoints: { type: 'array', maxItems: CHECKPOINT_PAGE, items: checkpointSchema },
              next_cursor: { ...seqCursor, type: ['string', 'null'] },
              anchor: {
                type: 'object',
                required: ['seq', 'hash'],
                additionalProperties: false,
                description: 'Events up to this seq were removed by retention; verification resumes after it',
                properties: { seq: count, hash },
              },
            },
          },
        }),
      },
    },
    async (request) => {
      await audit.record({ ...auditContext(request), action: 'audit.checkpoints', outcome: 'allowed' });
      const { after, limit } = request.query;
      const page = await audit.exportCheckpointPage({
        afterSeq: after === undefined ? Number.MIN_SAFE_INTEGER : Number(after),
        limit: limit ?? CHECKPOINT_PAGE,
      });
      return { ...page.exported, next_cursor: page.nextAfter === null ? null : String(page.nextAfter) };
    },
  );
}
