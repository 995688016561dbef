/**
 * Finding a sensitive identifier in the audit trail without ever putting it in a URL:
 * - `POST /v1/audit/hash` answers exactly the form the trail stores for a value (`kind`: a subject id, a username,
 *   or any other identifier), to use as a filter of `GET /v1/audit/events`;
 * - `POST /v1/audit/events/search` with `{ subject }` answers every event of that data subject (its records'
 *   reads and writes, its erasure; events from before issue 13 too) and every event in which the person with
 *   that subject id acted (`actor_subject`: their logins, password changes, reads), with the other filters of
 *   the event list.
 * Both need the policy's `read_audit` on `audit`, are audited before they answer, and never store, log or echo
 * the value (the search's own event names the subject by its HMAC: who looked a person up is on the trail too).
 */
import type { FastifyInstance } from 'fastify';
import { toWireEvent } from '../../audit/index.js';
import {
  type AuditLookup,
  type AuditTrail,
  LOOKUP_KINDS,
  type LookupKind,
} from '../../services/audit/index.js';
import { auditContext } from '../audit-context.js';
import {
  DEFAULT_EVENT_PAGE,
  type EventQuery,
  eventQueryProperties,
  toEventFilter,
} from '../audit-event-query.js';
import { eventPageSchema, hmacIdentifier, READ_AUDIT } from '../audit-schemas.js';
import { plainText, subjectId } from '../schema-bounds.js';
import { responses } from '../schemas.js';

export function registerLookups(
  app: FastifyInstance,
  deps: { audit: AuditTrail; lookup: AuditLookup },
): void {
  registerHash(app, deps);
  registerSearch(app, deps);
}

function registerHash(
  app: FastifyInstance,
  { audit, lookup }: { audit: AuditTrail; lookup: AuditLookup },
): void {
  app.post<{ Body: { value: string; kind?: LookupKind } }>(
    '/v1/audit/hash',
    {
      config: { access: 'authenticated', authorize: READ_AUDIT, audit: 'audit.hash' },
      schema: {
        tags: ['audit'],
        operationId: 'hashAuditIdentifier',
        summary: 'The form in which the trail stores a sensitive identifier (a subject id, a username, …)',
        description:
          'The value travels in the body and is never stored or logged. `subject` answers the `subject` of every ' +
          'event of that person (or search them with `POST /v1/audit/events/search`); `username` the actor of a ' +
          'login for a name that matched no account (case-folded first); `identifier` (default) the HMAC of the ' +
          'value as given.',
        body: {
          type: 'object',
          required: ['value'],
          additionalProperties: false,
          properties: {
            value: plainText(1024, 1),
            kind: { type: 'string', enum: [...LOOKUP_KINDS], description: 'Default `identifier`' },
          },
        },
        response: responses({
          200: {
            type: 'object',
            required: ['hmac'],
            additionalProperties: false,
            properties: {
              hmac: {
                ...hmacIdentifier,
                description: 'Exactly as the trail stores it: `hmac:` and 64 hex digits',
              },
            },
          },
        }),
      },
    },
    async (request) => {
      const hmac = lookup.storedForm(request.body.kind ?? 'identifier', request.body.value);
      await audit.record({ ...auditContext(request), action: 'audit.hash', outcome: 'allowed' });
      return { hmac };
    },
  );
}

function registerSearch(
  app: FastifyInstance,
  { audit, lookup }: { audit: AuditTrail; lookup: AuditLookup },
): void {
  app.post<{ Body: EventQuery & { subject: string } }>(
    '/v1/audit/events/search',
    {
      config: { access: 'authenticated', authorize: READ_AUDIT, audit: 'audit.query' },
      schema: {
        tags: ['audit'],
        operationId: 'searchAuditEvents',
        summary:
          'Every audit event of one person, as data subject or as actor, in seq order, with cursor pagination',
        description:
          'Finds the events whose `subject` is this subject id and those whose `actor_subject` is (the acting ' +
          "user's own subject id: logins, password changes, reads the person made). The subject id (personal " +
          'data) travels in the body, never in a URL, and is never stored, logged or echoed. Events written ' +
          'before subjects were recorded on every event are found by their erasure only, and events written ' +
          'before actor subjects were recorded are not found as the acting person.',
        body: {
          type: 'object',
          required: ['subject'],
          additionalProperties: false,
          properties: { subject: subjectId, ...eventQueryProperties },
        },
        response: responses({ 200: eventPageSchema }),
      },
    },
    async (request) => {
      const { subject, ...query } = request.body;
      const subjects = lookup.subjectFilter(subject);
      const filter = { ...toEventFilter(query, 'body'), subjects };
      await audit.record({
        ...auditContext(request),
        action: 'audit.query',
        outcome: 'allowed',
        subject: lookup.storedForm('subject', subject),
      });
      const page = await audit.query(filter, query.limit ?? DEFAULT_EVENT_PAGE);
      return {
        events: page.events.map(toWireEvent),
        next_cursor: page.nextCursor === null ? null : String(page.nextCursor),
      };
    },
  );
}
