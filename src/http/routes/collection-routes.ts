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
import { isoTime, ref, responses } from '../schemas.js';
import { collectionBody, collectionParam, newCollection } from '../vault-schemas.js';

function toBody(collection: Collection) {
  return {
    id: collection.id,
    name: collection.name,
    fields: collection.fields,
    created_at: isoTime(collection.createdAt),
  };
}

export async function collectionRoutes(
  app: FastifyInstance,
  options: { collections: CollectionService },
): Promise<void> {
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
