import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { ApiKeyService, PublicApiKey } from '../../services/index.js';
import { MAX_LIVE_API_KEYS } from '../../services/index.js';
import { actorOf } from '../plugins/authenticate.js';
import {
  integer,
  MAX_ROLES,
  nullableTimestamp,
  opaqueToken,
  plainText,
  roleName,
  timestamp,
  uuid,
} from '../schema-bounds.js';
import { isoTime, ref, responses, uuidParam } from '../schemas.js';

const keyName = plainText(100, 1);

const keyProperties = {
  id: uuid,
  name: keyName,
  roles: {
    type: ['array', 'null'],
    maxItems: MAX_ROLES,
    items: roleName,
    description: "The owner's roles this key acts with; null: all of them",
  },
  created_at: timestamp,
  expires_at: nullableTimestamp,
  last_used_at: nullableTimestamp,
} as const;

export const apiKeySchema = {
  $id: 'ApiKey',
  type: 'object',
  required: ['id', 'name', 'roles', 'created_at', 'expires_at', 'last_used_at'],
  additionalProperties: false,
  properties: keyProperties,
} as const;

export const newKeyBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: keyName,
    expires_in: {
      ...integer(60, 31_536_000),
      description: 'Seconds until the key expires: default 90 days, at most one year',
    },
    roles: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_ROLES,
      items: roleName,
      description: 'Restrict the key to some of your roles (default: all of them, as they are at each use)',
    },
  },
} as const;

export const createdKeySchema = {
  $id: 'CreatedApiKey',
  type: 'object',
  required: ['id', 'name', 'roles', 'key', 'created_at', 'expires_at', 'last_used_at'],
  additionalProperties: false,
  properties: {
    ...keyProperties,
    key: { ...opaqueToken('srk'), description: 'Shown once; store it now' },
  },
} as const;

/** A key as the API shows it (never the secret). */
export function toKeyBody(key: PublicApiKey) {
  return {
    id: key.id,
    name: key.name,
    roles: key.roles,
    created_at: isoTime(key.createdAt),
    expires_at: isoTime(key.expiresAt),
    last_used_at: isoTime(key.lastUsedAt),
  };
}

export async function apiKeyRoutes(app: FastifyInstance, options: { apiKeys: ApiKeyService }): Promise<void> {
  app.post<{ Body: { name: string; expires_in?: number; roles?: string[] } }>(
    '/v1/api-keys',
    {
      // Minting keys needs an interactive session: a leaked key must not be able to mint its own successors.
      config: { access: 'session' },
      schema: {
        tags: ['api-keys'],
        operationId: 'createApiKey',
        summary: 'Create an API key; the key is shown in this response only',
        description:
          "The key is returned once and stored only as a hash. Its roles may narrow the caller's, never widen them. A user holds at most 100 live keys (409 API_KEY_LIMIT_REACHED).",
        body: newKeyBody,
        response: responses({ 201: ref(createdKeySchema) }, 409),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.kind !== 'session') throw new AppError('FORBIDDEN');
      const { name, expires_in, roles } = request.body;
      // A key can only narrow its owner's power: every role it names must be one the owner holds now.
      roles?.forEach((role, i) => {
        if (!actor.roles.includes(role)) {
          throw new AppError('FORBIDDEN', {
            field: `body.roles.${i}`,
            message: `body.roles.${i} is not one of your roles`,
          });
        }
      });
      const created = await options.apiKeys.create(
        actor.userId,
        actor.sessionId,
        {
          name,
          ...(expires_in === undefined ? {} : { expiresInSeconds: expires_in }),
          ...(roles === undefined ? {} : { roles }),
        },
        { clientAddress: request.ip, requestId: request.id },
      );
      return reply.code(201).send({ ...toKeyBody(created), key: created.key });
    },
  );

  app.get(
    '/v1/api-keys',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['api-keys'],
        operationId: 'listApiKeys',
        summary: "The caller's live API keys (never the secret)",
        description:
          'Live keys of the caller: names, roles, creation, expiry and last use; never the key itself.',
        response: responses({
          200: {
            type: 'object',
            required: ['api_keys'],
            additionalProperties: false,
            properties: {
              api_keys: { type: 'array', maxItems: MAX_LIVE_API_KEYS, items: ref(apiKeySchema) },
            },
          },
        }),
      },
    },
    async (request) => ({ api_keys: (await options.apiKeys.list(actorOf(request).userId)).map(toKeyBody) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/api-keys/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['api-keys'],
        operationId: 'revokeApiKey',
        summary: 'Revoke one of your API keys',
        description: "Another user's key answers 404 exactly like a key that does not exist.",
        params: uuidParam,
        response: responses({ 204: { type: 'null' } }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await options.apiKeys.revoke(actor.userId, request.params.id, {
        clientAddress: request.ip,
        requestId: request.id,
      });
      return reply.code(204).send();
    },
  );
}
