import type { FastifyInstance } from 'fastify';
import { resourcePaths } from '../../policy/index.js';
import {
  type Collection,
  type CollectionInput,
  type CollectionService,
  MAX_COLLECTIONS,
} from '../../services/index.js';
import { auditContext } from '../audit-context.js';
import { actorOf } from '../plugins/authenticate.js';
import { count } from '../schema-bounds.js';
import { isoTime, ref, responses } from '../schemas.js';
import {
  collectionBody,
  collectionName,
  collectionParam,
  fieldDefinition,
  newCollection,
} from '../vault-schemas.js';

function toBody(collection: Collection) {
  return {
    id: collection.id,
    name: collection.name,
    fields: collection.fields,
    created_at: isoTime(collection.createdAt),
  };
}

type FieldInput = CollectionInput['fields'][number];

/** Adding a field and dropping: each on the collection named in the path, decided before the body is read. */
function registerChanges(app: FastifyInstance, options: { collections: CollectionService }): void {
  app.post<{ Params: { collection: string }; Body: FieldInput }>(
    '/v1/collections/:collection/fields',
    {
      config: {
        access: 'authenticated',
        authorize: {
          action: 'manage_collections',
          resource: (request) =>
            resourcePaths.collection((request.params as { collection: string }).collection),
        },
        audit: 'collection.update',
      },
      schema: {
        tags: ['records'],
        operationId: 'addCollectionField',
        summary: 'Add an optional field to a collection (policy: `manage_collections`)',
        description:
          'The body is one field definition, as in POST /v1/collections; it cannot be `required` (400 naming `body.required`): records stored before it have no value, and reads show it absent. No record is rewritten. Other nodes see the new field within 2 seconds.',
        params: collectionParam,
        body: fieldDefinition,
        response: responses({ 200: ref(collectionBody) }),
      },
    },
    async (request) => {
      const { collection } = request.params;
      return toBody(await options.collections.addField(collection, request.body, auditContext(request)));
    },
  );

  app.delete<{ Params: { collection: string }; Body: { confirm?: string } | undefined }>(
    '/v1/collections/:collection',
    {
      config: {
        access: 'session',
        authorize: {
          action: 'drop_collections',
          resource: (request) =>
            resourcePaths.collection((request.params as { collection: string }).collection),
        },
        audit: 'collection.drop',
      },
      // A DELETE sent with no body lacks the confirmation like one sent with `{}`: both are named `body.confirm`.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['records'],
        operationId: 'dropCollection',
        summary: 'Drop a collection: its records go and its keys are destroyed (policy: `drop_collections`)',
        description:
          'Needs `{"confirm": "<the collection name>"}` (else 400 VALIDATION_FAILED naming `body.confirm`) and an interactive session. In one audited transaction the collection\'s data key and blind index key are destroyed (crypto-shredding) and its records, indexes and tokens deleted; it cannot be undone. Refused while a key job runs on its keys (409 KEY_JOB_RUNNING).',
        params: collectionParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            confirm: { ...collectionName, description: 'The collection name, again' },
          },
        },
        response: responses(
          {
            200: {
              type: 'object',
              required: ['dropped', 'records'],
              additionalProperties: false,
              properties: {
                dropped: collectionName,
                records: { ...count, description: 'Records deleted' },
              },
            },
          },
          409,
        ),
      },
    },
    async (request) => {
      const { collection } = request.params;
      const { records } = await options.collections.drop(
        collection,
        request.body?.confirm,
        auditContext(request),
      );
      return { dropped: collection, records };
    },
  );
}

export async function collectionRoutes(
  app: FastifyInstance,
  options: { collections: CollectionService },
): Promise<void> {
  registerChanges(app, options);
  app.post<{ Body: CollectionInput }>(
    '/v1/collections',
    {
      config: {
        access: 'authenticated',
        // Decided after validation: the collection it declares is named in the body.
        authorize: {
          action: 'manage_collections',
          resource: (request) => resourcePaths.collection((request.body as CollectionInput).name),
        },
        audit: 'collection.create',
      },
      schema: {
        tags: ['records'],
        operationId: 'createCollection',
        summary: 'Declare a collection and its fields (policy: `manage_collections`)',
        description:
          "Fields, their types and sensitivity are fixed at creation; sensitive fields are encrypted with the collection's own data key. A server holds at most 1,000 collections (409 COLLECTION_LIMIT_REACHED).",
        body: newCollection,
        response: responses({ 201: ref(collectionBody) }, 409),
      },
    },
    async (request, reply) => {
      const created = await options.collections.create(
        actorOf(request).userId,
        request.body,
        auditContext(request),
      );
      return reply.code(201).send(toBody(created));
    },
  );

  app.get(
    '/v1/collections',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['records'],
        operationId: 'listCollections',
        summary: 'Every collection and its fields',
        description: 'Every collection with its field definitions (no data).',
        response: responses({
          200: {
            type: 'object',
            required: ['collections'],
            additionalProperties: false,
            properties: {
              collections: { type: 'array', maxItems: MAX_COLLECTIONS, items: ref(collectionBody) },
            },
          },
        }),
      },
    },
    async () => ({ collections: (await options.collections.list()).map(toBody) }),
  );

  app.get<{ Params: { collection: string } }>(
    '/v1/collections/:collection',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['records'],
        operationId: 'getCollection',
        summary: 'One collection and its fields',
        description: "One collection's field definitions (no data).",
        params: collectionParam,
        response: responses({ 200: ref(collectionBody) }),
      },
    },
    async (request) => toBody(await options.collections.get(request.params.collection)),
  );
}
