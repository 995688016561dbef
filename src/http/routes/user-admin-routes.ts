/**
 * Administrators' account operations beyond the user resource itself: a password reset (a one-time password shown
 * in this response only) and the API keys of service accounts (minted, listed and revoked for the account).
 * Each asks its own policy action on `system/users` before the body is read (`reset_passwords`,
 * `manage_service_accounts`), and the same action on every role the account holds (user-change-options.ts).
 * Resetting and minting hand over a working credential, so they need an interactive session, never an API key.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resourcePaths } from '../../policy/index.js';
import type { Authorizer, ServiceAccountKeys, ServiceKeyCaller, UserService } from '../../services/index.js';
import { MAX_LIVE_API_KEYS } from '../../services/index.js';
import { actorOf } from '../plugins/authenticate.js';
import { ref, responses, uuidParam } from '../schemas.js';
import { apiKeySchema, createdKeySchema, newKeyBody, toKeyBody } from './api-key-routes.js';
import { createChangeOptions } from './user-change-options.js';
import { toBody, userSchema } from './user-schemas.js';

const resetAction = { action: 'reset_passwords', resource: resourcePaths.system('users') } as const;
const keysAction = { action: 'manage_service_accounts', resource: resourcePaths.system('users') } as const;

const keyParams = {
  type: 'object',
  required: ['id', 'key'],
  additionalProperties: false,
  properties: { id: uuidParam.properties.id, key: uuidParam.properties.id },
} as const;

interface AdminRouteDeps {
  users: UserService;
  serviceKeys: ServiceAccountKeys;
  authorizer: Pick<Authorizer, 'authorize' | 'roles'>;
}

export async function userAdminRoutes(app: FastifyInstance, options: AdminRouteDeps): Promise<void> {
  registerReset(app, options);
  registerServiceKeys(app, options);
}

function registerReset(app: FastifyInstance, options: AdminRouteDeps): void {
  const resetOptions = createChangeOptions(options.authorizer, 'reset_passwords');

  app.post<{ Params: { id: string } }>(
    '/v1/users/:id/password-reset',
    {
      config: { access: 'session', authorize: resetAction },
      schema: {
        tags: ['users'],
        operationId: 'resetUserPassword',
        summary: "Reset a user's password: a one-time password, shown in this response only",
        description:
          'Generates a one-time password (192 random bits), revokes every session and API key of the user, and marks the account: sessions started with it may only change the password (PUT /v1/me/password), read /v1/me and log out; anything else answers 403 PASSWORD_CHANGE_REQUIRED. The password is never stored in clear, logged or audited. A service account has no password (409 SERVICE_ACCOUNT_HAS_NO_PASSWORD). Needs an interactive session and `reset_passwords`.',
        params: uuidParam,
        response: responses(
          {
            200: {
              type: 'object',
              required: ['user', 'one_time_password'],
              additionalProperties: false,
              properties: {
                user: ref(userSchema),
                one_time_password: {
                  type: 'string',
                  minLength: 32,
                  maxLength: 32,
                  pattern: '^[A-Za-z0-9_-]{32}$',
                  description: 'Shown once: hand it to the user over a channel you trust',
                  'x-issued-secret': true,
                },
              },
            },
          },
          409,
        ),
      },
    },
    async (request) => {
      const { user, oneTimePassword } = await options.users.resetPassword(
        request.params.id,
        resetOptions(request),
      );
      return { user: toBody(user), one_time_password: oneTimePassword };
    },
  );
}

function registerServiceKeys(app: FastifyInstance, options: AdminRouteDeps): void {
  const keyOptions = createChangeOptions(options.authorizer, 'manage_service_accounts');
  const keyCaller = (request: FastifyRequest): ServiceKeyCaller => {
    const { mayHandleRoles, by } = keyOptions(request);
    return {
      userId: actorOf(request).userId,
      mayHandleRoles: mayHandleRoles ?? (() => undefined),
      ...(by?.clientAddress === undefined ? {} : { clientAddress: by.clientAddress }),
      ...(by?.requestId === undefined ? {} : { requestId: by.requestId }),
    };
  };

  app.post<{ Params: { id: string }; Body: { name: string; expires_in?: number; roles?: string[] } }>(
    '/v1/users/:id/api-keys',
    {
      config: { access: 'session', authorize: keysAction },
      schema: {
        tags: ['api-keys'],
        operationId: 'createServiceAccountKey',
        summary: 'Mint an API key for a service account; the key is shown in this response only',
        description:
          "Same body as POST /v1/api-keys; `roles` may narrow the account's roles, never widen them (403 naming the entry). The key belongs to no session: logouts, password changes and resets never revoke it; expiry, DELETE /v1/users/{id}/api-keys/{key} and deleting the account do, and it does not authenticate while the account is disabled. People mint their own keys (409 NOT_A_SERVICE_ACCOUNT). At most 100 live keys (409 API_KEY_LIMIT_REACHED).",
        params: uuidParam,
        body: newKeyBody,
        response: responses({ 201: ref(createdKeySchema) }, 409),
      },
    },
    async (request, reply) => {
      const { name, expires_in, roles } = request.body;
      const created = await options.serviceKeys.mint(
        request.params.id,
        {
          name,
          ...(expires_in === undefined ? {} : { expiresInSeconds: expires_in }),
          ...(roles === undefined ? {} : { roles }),
        },
        keyCaller(request),
      );
      return reply.code(201).send({ ...toKeyBody(created), key: created.key });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/users/:id/api-keys',
    {
      config: { access: 'authenticated', authorize: keysAction },
      schema: {
        tags: ['api-keys'],
        operationId: 'listUserApiKeys',
        summary: "A user's live API keys (never the secret)",
        description:
          'Names, roles, creation, expiry and last use of the live keys of the user; never a key itself.',
        params: uuidParam,
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
    async (request) => ({
      api_keys: (await options.serviceKeys.list(request.params.id, keyCaller(request))).map(toKeyBody),
    }),
  );

  app.delete<{ Params: { id: string; key: string } }>(
    '/v1/users/:id/api-keys/:key',
    {
      config: { access: 'authenticated', authorize: keysAction },
      schema: {
        tags: ['api-keys'],
        operationId: 'revokeServiceAccountKey',
        summary: "Revoke a service account's API key",
        description: "Another account's key answers 404 exactly like a key that does not exist.",
        params: keyParams,
        response: responses({ 204: { type: 'null' } }, 409),
      },
    },
    async (request, reply) => {
      await options.serviceKeys.revoke(request.params.id, request.params.key, keyCaller(request));
      return reply.code(204).send();
    },
  );
}
