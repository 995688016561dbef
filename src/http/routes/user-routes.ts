import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resourcePaths } from '../../policy/index.js';
import { type Authorizer, type ChangeOptions, DEFAULT_ROLE, type UserService } from '../../services/index.js';
import { cursor, nullableCursor, pageLimit, plainText, USERNAME_MAX, username } from '../schema-bounds.js';
import { ref, responses, uuidParam } from '../schemas.js';
import { createChangeOptions } from './user-change-options.js';
import { attributes, roles, subject, toBody, type UserChanges, userSchema } from './user-schemas.js';

export { userSchema } from './user-schemas.js';

export async function userRoutes(
  app: FastifyInstance,
  options: {
    users: UserService;
    authorizer: Pick<Authorizer, 'authorize' | 'roles'>;
  },
): Promise<void> {
  const changeOptions = createChangeOptions(options.authorizer, 'manage_users');
  const routes = { users: options.users, changeOptions };
  registerCreate(app, routes);
  registerReads(app, routes);
  registerChanges(app, routes);
}

/** Every user route asks for `manage_users` on `system/users` before its body is read. */
const common = {
  config: {
    access: 'authenticated',
    authorize: { action: 'manage_users', resource: resourcePaths.system('users') },
  },
} as const;

interface UserRouteDeps {
  users: UserService;
  changeOptions: (request: FastifyRequest) => ChangeOptions;
}

function registerCreate(app: FastifyInstance, deps: UserRouteDeps): void {
  app.post<{
    Body: { username: string; password?: string; password_hash?: string; service?: boolean } & Omit<
      UserChanges,
      'disabled'
    >;
  }>(
    '/v1/users',
    {
      ...common,
      schema: {
        tags: ['users'],
        operationId: 'createUser',
        summary: 'Create a user with a password, or import one with an argon2id/bcrypt hash',
        description:
          'Give `password` (checked by the password policy; passwords it refuses are throttled per administrator: 429 with Retry-After) or `password_hash` (argon2id or bcrypt; bcrypt is upgraded at the first login), or `service: true` for a service account (no password: it cannot log in, and acts through API keys an administrator mints with POST /v1/users/{id}/api-keys). Roles must be defined by the policy. A subject that was erased cannot be linked (410 SUBJECT_ERASED).',
        body: {
          type: 'object',
          required: ['username'],
          additionalProperties: false,
          properties: {
            username: { ...username, minLength: 3, maxLength: USERNAME_MAX },
            password: { type: 'string', minLength: 1, maxLength: 4096, writeOnly: true },
            password_hash: { ...plainText(512, 1), writeOnly: true },
            service: { type: 'boolean', description: 'A service account: give no password' },
            roles,
            subject,
            attributes,
          },
          oneOf: [
            { required: ['password'] },
            { required: ['password_hash'] },
            { required: ['service'], properties: { service: { const: true } } },
          ],
        },
        response: responses({ 201: ref(userSchema) }, 410),
      },
    },
    async (request, reply) => {
      const {
        username,
        password,
        password_hash,
        service,
        roles: given,
        subject: who,
        attributes: claims,
      } = request.body;
      const created = await deps.users.create(
        {
          username,
          roles: given ?? [DEFAULT_ROLE],
          ...(who === undefined ? {} : { subject: who }),
          ...(claims === undefined ? {} : { attributes: claims }),
          ...(password === undefined ? {} : { password }),
          ...(password_hash === undefined ? {} : { passwordHash: password_hash }),
          ...(service === true ? { service } : {}),
        },
        deps.changeOptions(request),
      );
      return reply.code(201).send(toBody(created));
    },
  );
}

function registerReads(app: FastifyInstance, deps: UserRouteDeps): void {
  app.get<{ Querystring: { cursor?: string; limit?: number } }>(
    '/v1/users',
    {
      ...common,
      schema: {
        tags: ['users'],
        operationId: 'listUsers',
        summary: 'List users (cursor pagination)',
        description: 'Users in creation order; pass `next_cursor` back as `cursor` for the next page.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            cursor,
            limit: pageLimit(100),
          },
        },
        response: responses({
          200: {
            type: 'object',
            required: ['users', 'next_cursor'],
            additionalProperties: false,
            properties: {
              users: { type: 'array', maxItems: 100, items: ref(userSchema) },
              next_cursor: nullableCursor,
            },
          },
        }),
      },
    },
    async (request) => {
      const { cursor, limit } = request.query;
      const page = await deps.users.list({
        limit: limit ?? 50,
        ...(cursor === undefined ? {} : { cursor }),
      });
      return { users: page.users.map(toBody), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/users/:id',
    {
      ...common,
      schema: {
        tags: ['users'],
        operationId: 'getUser',
        summary: 'One user',
        description: 'One user by id, without any credential material.',
        params: uuidParam,
        response: responses({ 200: ref(userSchema) }),
      },
    },
    async (request) => toBody(await deps.users.get(request.params.id)),
  );
}

function registerChanges(app: FastifyInstance, deps: UserRouteDeps): void {
  app.patch<{ Params: { id: string }; Body: UserChanges }>(
    '/v1/users/:id',
    {
      ...common,
      schema: {
        tags: ['users'],
        operationId: 'updateUser',
        summary:
          "Change a user's roles, subject or attributes, or disable them (disabling revokes their sessions)",
        description:
          'Only the given properties change. Accounts that manage users or the policy can be changed from an interactive session only, and the last of them cannot be removed (409 LAST_ADMIN). A subject that was erased cannot be linked again (410 SUBJECT_ERASED).',
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { roles, disabled: { type: 'boolean' }, subject, attributes },
        },
        response: responses({ 200: ref(userSchema) }, 410),
      },
    },
    async (request) => {
      return toBody(await deps.users.update(request.params.id, request.body, deps.changeOptions(request)));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/users/:id',
    {
      ...common,
      schema: {
        tags: ['users'],
        operationId: 'deleteUser',
        summary: 'Delete a user with their sessions and API keys',
        description:
          "The user's sessions and API keys stop working at once; the last account that manages users or the policy cannot be deleted (409 LAST_ADMIN).",
        params: uuidParam,
        response: responses({ 204: { type: 'null' } }),
      },
    },
    async (request, reply) => {
      await deps.users.delete(request.params.id, deps.changeOptions(request));
      return reply.code(204).send();
    },
  );
}
