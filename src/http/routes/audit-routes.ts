/**
 * The audit trail over HTTP: query events, find a sensitive identifier's events (audit-lookup-routes.ts), export
 * checkpoints. Events leave in the published wire form (docs/audit.md).
 * Every call is itself audited before it is answered (fail closed: 503 AUDIT_UNAVAILABLE when it cannot be).
 * Access is decided in one place: every audit route needs the policy's `read_audit` on `audit` (`READ_AUDIT`).
 * The value to hash travels in the body, never in the URL, and is never echoed, logged or stored.
 */
import type { FastifyInstance } from 'fastify';
import { toWireEvent } from '../../audit/index.js';
import { type AuditTrail, createAuditLookup } from '../../services/audit/index.js';
import type { SubjectService } from '../../services/index.js';
import { auditContext } from '../audit-context.js';
import {
  DEFAULT_EVENT_PAGE,
  type EventQuery,
  eventQueryProperties,
  toEventFilter,
} from '../audit-event-query.js';
import {
  CHECKPOINT_PAGE,
  checkpointSchema,
  eventPageSchema,
  hash,
  MAX_EXPORTED_KEYS,
  READ_AUDIT,
  seqCursor,
} from '../audit-schemas.js';
import { base64url, count, pageLimit } from '../schema-bounds.js';
import { responses } from '../schemas.js';
import { registerLookups } from './audit-lookup-routes.js';

export async function auditRoutes(
  app: FastifyInstance,
  options: { audit: AuditTrail; subjects: Pick<SubjectService, 'hash'> },
): Promise<void> {
  registerEvents(app, options.audit);
  registerLookups(app, {
    audit: options.audit,
    lookup: createAuditLookup({
      hmacIdentifier: options.audit.hmacIdentifier,
      hashSubject: options.subjects.hash,
    }),
  });
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
        querystring: { type: 'object', additionalProperties: false, properties: eventQueryProperties },
        response: responses({ 200: eventPageSchema }),
      },
    },
    async (request) => {
      const filter = toEventFilter(request.query, 'querystring');
      await audit.record({ ...auditContext(request), action: 'audit.query', outcome: 'allowed' });
      const page = await audit.query(filter, request.query.limit ?? DEFAULT_EVENT_PAGE);
      return {
        events: page.events.map(toWireEvent),
        next_cursor: page.nextCursor === null ? null : String(page.nextCursor),
      };
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
