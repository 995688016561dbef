import type { FastifyInstance } from 'fastify';
import type { CollectionService, RecordReader, RecordService } from '../../services/index.js';
import { MAX_FIELDS } from '../../vault/index.js';
import { etagOf, ifMatchHeaders, ifMatchVersion } from '../if-match.js';
import { revealingRead } from '../quota-plan.js';
import { count, plainText, subjectId, timestamp, uuid } from '../schema-bounds.js';
import { isoTime, ref, responses } from '../schemas.js';
import {
  callerOf,
  collectionParam,
  fieldName,
  fieldValues,
  pageQuery,
  parseReveal,
  readQuery,
  recordBody,
  recordPage,
  recordParams,
  toRecordBody,
} from '../vault-schemas.js';

const audited = (
  audit:
    | 'record.create'
    | 'record.list'
    | 'record.search'
    | 'record.read'
    | 'record.update'
    | 'record.delete',
) => ({ access: 'authenticated', audit }) as const;

interface ReadQuery {
  reveal?: string;
  redaction?: 'masked' | 'redacted';
}

interface ListQuery extends ReadQuery {
  cursor?: string;
  limit?: number;
  filter?: Record<string, string>;
}

/** `filter.<field>=v` or `filter[<field>]=v`: exact match on non-sensitive fields (sensitive ones: search). */
const filterQuery = {
  type: 'object',
  maxProperties: 16,
  propertyNames: fieldName,
  additionalProperties: plainText(1024),
  description:
    'Exact match on non-sensitive fields, sent as `filter[<field>]=value` (OpenAPI deepObject) or `filter.<field>=value`',
} as const;

const written = {
  type: 'object',
  required: ['id', 'revision'],
  additionalProperties: false,
  properties: { id: uuid, revision: count, created_at: timestamp, updated_at: timestamp },
} as const;

interface RecordRouteDeps {
  collections: CollectionService;
  records: RecordService;
  reader: RecordReader;
}

export async function recordRoutes(app: FastifyInstance, options: RecordRouteDeps): Promise<void> {
  registerWrites(app, options);
  registerQueries(app, options);
  registerOne(app, options);
}

function registerWrites(app: FastifyInstance, options: RecordRouteDeps): void {
  const { collections, records } = options;

  app.post<{ Params: { collection: string }; Body: { subject?: string; fields: Record<string, unknown> } }>(
    '/v1/collections/:collection/records',
    {
      config: audited('record.create'),
      schema: {
        tags: ['records'],
        operationId: 'createRecord',
        summary: 'Store a record; sensitive fields are encrypted before they are written',
        description:
          'Values are checked against their field types; sensitive ones are encrypted and, where searchable, blind-indexed.',
        params: collectionParam,
        body: {
          type: 'object',
          required: ['fields'],
          additionalProperties: false,
          properties: {
            subject: {
              ...subjectId,
              description: "The application's id of the person the record is about; erasable as a whole",
            },
            fields: fieldValues,
          },
        },
        response: responses({ 201: written }),
      },
    },
    async (request, reply) => {
      const collection = await collections.get(request.params.collection);
      const created = await records.create(callerOf(request), collection, request.body);
      return reply
        .code(201)
        .send({ id: created.id, revision: created.revision, created_at: isoTime(created.createdAt) });
    },
  );
}

function registerQueries(app: FastifyInstance, options: RecordRouteDeps): void {
  const { collections, reader } = options;

  app.get<{ Params: { collection: string }; Querystring: ListQuery }>(
    '/v1/collections/:collection/records',
    {
      config: { ...audited('record.list'), quota: revealingRead('reads', 'query', 50) },
      schema: {
        tags: ['records'],
        operationId: 'listRecords',
        summary: 'List records (cursor pagination); `filter.<field>=value` filters on non-sensitive fields',
        description:
          'Records the caller may see, masked unless revealed and allowed; sensitive values never go in the URL (search them in the body).',
        params: collectionParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQuery, ...readQuery, filter: filterQuery },
        },
        response: responses({ 200: ref(recordPage) }),
      },
    },
    async (request) => {
      const { cursor, limit, reveal, redaction, filter } = request.query;
      const collection = await collections.get(request.params.collection);
      const page = await reader.list(callerOf(request), collection, {
        ...(cursor === undefined ? {} : { cursor }),
        limit: limit ?? 50,
        filters: { ...filter },
        reveal: parseReveal(reveal),
        redaction: redaction ?? 'masked',
      });
      return {
        records: page.records.map((r) => toRecordBody(collection.name, r)),
        next_cursor: page.nextCursor,
      };
    },
  );

  app.post<{
    Params: { collection: string };
    Body: {
      where: Record<string, unknown>;
      cursor?: string;
      limit?: number;
      reveal?: string[];
      redaction?: 'masked' | 'redacted';
    };
  }>(
    '/v1/collections/:collection/records/search',
    {
      config: { ...audited('record.search'), quota: revealingRead('search', 'body', 50) },
      schema: {
        tags: ['records'],
        operationId: 'searchRecords',
        summary: 'Find records by exact value (blind index for sensitive fields); values travel in the body',
        description:
          'Exact matches through blind indexes, so the searched values never appear in a URL or log.',
        params: collectionParam,
        body: {
          type: 'object',
          required: ['where'],
          additionalProperties: false,
          properties: {
            where: { ...fieldValues, minProperties: 1, maxProperties: 16 },
            cursor: pageQuery.cursor,
            limit: pageQuery.limit,
            reveal: { type: 'array', maxItems: MAX_FIELDS, items: fieldName },
            redaction: readQuery.redaction,
          },
        },
        response: responses({ 200: ref(recordPage) }),
      },
    },
    async (request) => {
      const { where, cursor, limit, reveal, redaction } = request.body;
      const collection = await collections.get(request.params.collection);
      const page = await reader.search(callerOf(request), collection, {
        where,
        ...(cursor === undefined ? {} : { cursor }),
        limit: limit ?? 50,
        reveal: [...new Set(reveal ?? [])],
        redaction: redaction ?? 'masked',
      });
      return {
        records: page.records.map((r) => toRecordBody(collection.name, r)),
        next_cursor: page.nextCursor,
      };
    },
  );
}

function registerOne(app: FastifyInstance, options: RecordRouteDeps): void {
  const { collections, records, reader } = options;

  app.get<{ Params: { collection: string; id: string }; Querystring: ReadQuery }>(
    '/v1/collections/:collection/records/:id',
    {
      config: { ...audited('record.read'), quota: revealingRead('reads', 'query') },
      schema: {
        tags: ['records'],
        operationId: 'getRecord',
        summary: 'Read a record; sensitive fields are masked unless revealed (and allowed)',
        description: 'A record the caller may not see answers 404 like one that does not exist.',
        params: recordParams,
        querystring: { type: 'object', additionalProperties: false, properties: readQuery },
        response: responses({ 200: ref(recordBody) }),
      },
    },
    async (request, reply) => {
      const collection = await collections.get(request.params.collection);
      const view = await reader.get(callerOf(request), collection, request.params.id, {
        reveal: parseReveal(request.query.reveal),
        redaction: request.query.redaction ?? 'masked',
      });
      // The revision as a strong ETag: what a PATCH sends back in If-Match.
      reply.header('etag', etagOf(view.revision));
      return toRecordBody(collection.name, view);
    },
  );

  app.patch<{
    Params: { collection: string; id: string };
    Headers: { 'if-match'?: string };
    Body: { fields: Record<string, unknown> };
  }>(
    '/v1/collections/:collection/records/:id',
    {
      config: audited('record.update'),
      schema: {
        tags: ['records'],
        operationId: 'updateRecord',
        summary: 'Change some fields (null clears an optional field); creator or admin',
        description:
          'Only the given fields change; a concurrent change answers 409 RECORD_CHANGED. With `If-Match: "<revision>"` (the ETag of GET) the change applies only while the record is still at that revision: 412 PRECONDITION_FAILED, nothing changed, when it moved.',
        params: recordParams,
        headers: ifMatchHeaders,
        body: {
          type: 'object',
          required: ['fields'],
          additionalProperties: false,
          properties: { fields: { ...fieldValues, minProperties: 1 } },
        },
        response: responses({ 200: written }, 412),
      },
    },
    async (request, reply) => {
      const collection = await collections.get(request.params.collection);
      const updated = await records.update(
        callerOf(request),
        collection,
        request.params.id,
        request.body,
        ifMatchVersion(request.headers),
      );
      reply.header('etag', etagOf(updated.revision));
      return { id: request.params.id, revision: updated.revision, updated_at: isoTime(updated.updatedAt) };
    },
  );

  app.delete<{ Params: { collection: string; id: string } }>(
    '/v1/collections/:collection/records/:id',
    {
      config: audited('record.delete'),
      schema: {
        tags: ['records'],
        operationId: 'deleteRecord',
        summary: 'Delete a record with its indexes and tokens; creator or admin',
        description: 'The record, its blind indexes and its tokens go in one transaction.',
        params: recordParams,
        response: responses({ 204: { type: 'null' } }),
      },
    },
    async (request, reply) => {
      const collection = await collections.get(request.params.collection);
      await records.delete(callerOf(request), collection, request.params.id);
      return reply.code(204).send();
    },
  );
}
