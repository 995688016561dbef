import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { resourcePaths } from '../../policy/index.js';
import { KEY_JOB_LIST_LIMIT, type KeyRotation } from '../../services/index.js';
import type { KeyJobRow } from '../../storage/index.js';
import { auditContext } from '../audit-context.js';
import { purposeContext } from '../plugins/access-purpose.js';
import { actorOf } from '../plugins/authenticate.js';
import { count, integer, nullableTimestamp, timestamp, uuid } from '../schema-bounds.js';
import { isoTime, ref, responses, uuidParam } from '../schemas.js';
import { collectionName } from '../vault-schemas.js';

export const jobBody = {
  $id: 'KeyJob',
  type: 'object',
  required: [
    'id',
    'kind',
    'status',
    'total',
    'done',
    'from_version',
    'to_version',
    'created_at',
    'updated_at',
    'finished_at',
  ],
  additionalProperties: false,
  properties: {
    id: uuid,
    kind: { type: 'string', enum: ['master', 'collection', 'index'] },
    status: { type: 'string', enum: ['running', 'completed', 'failed'] },
    total: {
      ...count,
      description:
        "Items to move: data keys for the master key; records for an index key; for a collection data key, the records sealed under it, which are those without a subject (a record with a subject is sealed under the subject's own key, which this rotation does not change): 0 when there are none, and the job still completes",
    },
    done: { ...count, description: 'Items moved so far; never goes backwards' },
    from_version: integer(1),
    to_version: integer(1),
    created_at: timestamp,
    updated_at: timestamp,
    finished_at: nullableTimestamp,
  },
} as const;

const rotateBody = {
  type: 'object',
  required: ['target'],
  additionalProperties: false,
  properties: {
    target: { type: 'string', enum: ['master', 'collection'] },
    collection: collectionName,
    index: {
      type: 'boolean',
      description: "Rotate the collection's blind index key instead of its data key",
    },
  },
} as const;

interface RotateBody {
  target: 'master' | 'collection';
  collection?: string;
  index?: boolean;
}

function toBody(job: KeyJobRow) {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    total: job.total,
    done: job.done,
    from_version: job.fromVersion,
    to_version: job.toVersion,
    created_at: isoTime(job.createdAt),
    updated_at: isoTime(job.updatedAt),
    finished_at: isoTime(job.finishedAt),
  };
}

export async function keyRoutes(app: FastifyInstance, options: { rotation: KeyRotation }): Promise<void> {
  // Function-level authorization: the policy's `manage_keys` on `system/keys`, for every key route.
  const authorize = { action: 'manage_keys', resource: resourcePaths.system('keys') } as const;
  app.post<{ Body: RotateBody }>(
    '/v1/keys/rotate',
    {
      config: { access: 'authenticated', authorize, audit: 'key.rotate' },
      schema: {
        tags: ['keys'],
        operationId: 'rotateKey',
        summary: "Rotate the master key or a collection's data (or blind index) key (policy: `manage_keys`)",
        description:
          'New writes use the new version at once; a background job moves existing values onto it and retires ' +
          'the old version once nothing depends on it. Follow it with GET /v1/keys/jobs/{id}.',
        body: rotateBody,
        response: responses({
          202: {
            type: 'object',
            required: ['job'],
            additionalProperties: false,
            properties: { job: ref(jobBody) },
          },
        }),
      },
    },
    async (request, reply) => {
      const { target, collection, index } = request.body;
      if (
        (target === 'collection') !== (collection !== undefined) ||
        (target === 'master' && index !== undefined)
      ) {
        throw new AppError('VALIDATION_FAILED', {
          field: 'body.collection',
          message: 'body.collection is required with target collection and refused with target master',
        });
      }
      const job = await options.rotation.rotate(
        actorOf(request).userId,
        target === 'master' ? { target } : { target, collection: collection ?? '', index: index === true },
        { ...auditContext(request), ...purposeContext(request) },
      );
      return reply.code(202).send({ job: toBody(job) });
    },
  );

  app.get(
    '/v1/keys/jobs',
    {
      config: { access: 'authenticated', authorize, audit: 'key.read' },
      schema: {
        tags: ['keys'],
        operationId: 'listKeyJobs',
        summary: 'The newest key rotation jobs (policy: `manage_keys`)',
        description: 'Rotation jobs, newest first, with their progress.',
        response: responses({
          200: {
            type: 'object',
            required: ['jobs'],
            additionalProperties: false,
            properties: { jobs: { type: 'array', maxItems: KEY_JOB_LIST_LIMIT, items: ref(jobBody) } },
          },
        }),
      },
    },
    async () => {
      return { jobs: (await options.rotation.list()).map(toBody) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/keys/jobs/:id',
    {
      config: { access: 'authenticated', authorize, audit: 'key.read' },
      schema: {
        tags: ['keys'],
        operationId: 'getKeyJob',
        summary: 'Progress of one key rotation job (policy: `manage_keys`)',
        description: "One rotation job's progress and outcome.",
        params: uuidParam,
        response: responses({ 200: ref(jobBody) }),
      },
    },
    async (request) => {
      return toBody(await options.rotation.get(request.params.id));
    },
  );
}
