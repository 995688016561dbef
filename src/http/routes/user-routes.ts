import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resourcePaths } from '../../policy/index.js';
import {
  type Authorizer,
  type ChangeOptions,
  DEFAULT_ROLE,
  type PublicUser,
  type UserService,
} from '../../services/index.js';
import type { UserAttributes } from '../../storage/index.js';
import { purposeContext } from '../plugins/access-purpose.js';
import { actorOf } from '../plugins/authenticate.js';
import {
  cursor,
  MAX_ROLES,
  nullableCursor,
  pageLimit,
  plainText,
  roleName,
  subjectId,
  timestamp,
  USERNAME_MAX,
  username,
  uuid,
} from '../schema-bounds.js';
import { isoTime, ref, responses, uuidParam } from '../schemas.js';

const MAX_ATTRIBUTES = 32;
const ATTRIBUTE_MAX_LENGTH = 256;
/** Attribute text is any text (newlines included, as it always was); NUL and broken Unicode stop at text-guard.ts. */
const attributeText = { type: 'string', maxLength: ATTRIBUTE_MAX_LENGTH } as const;

export const userSchema = {
  $id: 'User',
  type: 'object',
  required: ['id', 'username', 'roles', 'disabled', 'created_at', 'updated_at'],
  additionalProperties: false,
  properties: {
    id: uuid,
    username,
    roles: { type: 'array', maxItems: MAX_ROLES, items: roleName },
    disabled: { type: 'boolean' },
    created_at: timestamp,
    updated_at: timestamp,
    subject: { ...subjectId, type: ['string', 'null'] },
    attributes: {
      type: 'object',
      maxProperties: MAX_ATTRIBUTES,
      additionalProperties: { ...attributeText, type: ['string', 'number', 'boolean'] },
    },
  },
} as const;

/** Role names: any role the policy in force defines, or `user` (checked by the user service). */
const roles = {
  type: 'array',
  items: roleName,
  minItems: 1,
  maxItems: MAX_ROLES,
} as const;

/** The application's id of the person this user is (policy `$actor.subject`); null clears it. */
const subject = {
  anyOf: [subjectId, { type: 'null' }],
} as const;

/** Non-secret scalar claims compared by policy conditions (`$actor.attributes.<name>`), e.g. tenant_id. */
const attributes = {
  type: 'object',
  maxProperties: MAX_ATTRIBUTES,
  propertyNames: { type: 'string', maxLength: 64, pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
  additionalProperties: {
    anyOf: [attributeText, { type: 'number' }, { type: 'boolean' }],
  },
} as const;

interface UserChanges {
  roles?: string[];
  disabled?: boolean;
  subject?: string | null;
  attributes?: UserAttributes;
}

function toBody(u: PublicUser) {
  return { ...u, created_at: isoTime(u.createdAt), updated_at: isoTime(u.updatedAt) };
}

export async function userRoutes(
  app: FastifyInstance,
  options: {
    users: UserService;
    authorizer: Pick<Authorizer, 'authorize' | 'roles'>;
  },
): Promise<void> {
  // Holding `manage_users` is not holding every role: giving a role, or managing an account that holds one, is
  // `manage_users` on `system/users/roles/<role>`, so a role that administers users cannot make anyone more.
  const mayHandleRoles = (request: FastifyRequest) => (roles: readonly string[]) => {
    const defined = options.authorizer.roles();
    for (const role of new Set(roles)) {
      // A role the policy does not define is refused by the user service (400, naming the entry) instead.
      if (role !== DEFAULT_ROLE && !defined.has(role)) continue;
      options.authorizer.authorize(
        actorOf(request),
        'manage_users',
        { path: resourcePaths.userRole(role), sensitive: false },
        purposeContext(request),
      );
    }
  };
  // Who asks (for the service's checks and its security event): accounts that manage users change by session only.
  const changeOptions = (request: FastifyRequest): ChangeOptions => {
    const actor = actorOf(request);
    return {
      bySession: actor.kind === 'session',
      mayHandleRoles: mayHandleRoles(request),
      by: { userId: actor.userId, clientAddress: request.ip, requestId: request.id },
    };
  };
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
    Body: { username: string; password?: string; password_hash?: string } & Omit<UserChanges, 'disabled'>;
  }>(
    '/v1/users',
    {
      ...common,
      schema: {
        tags: ['users'],
        operationId: 'createUser',
        summary: 'Create a user with a password, or import one with an argon2id/bcrypt hash',
        description:
          'Give `password` (checked by the password policy; passwords it refuses are throttled per administrator: 429 with Retry-After) or `password_hash` (argon2id or bcrypt; bcrypt is upgraded at the first login). Roles must be defined by the policy. A subject that was erased cannot be linked (410 SUBJECT_ERASED).',
        body: {
          type: 'object',
          required: ['username'],
          additionalProperties: false,
          properties: {
            username: { ...username, minLength: 3, maxLength: USERNAME_MAX },
            password: { type: 'string', minLength: 1, maxLength: 4096 },
            password_hash: plainText(512, 1),
            roles,
            subject,
            attributes,
          },
          oneOf: [{ required: ['password'] }, { required: ['password_hash'] }],
        },
        response: responses({ 201: ref(userSchema) }, 410),
      },
    },
    async (request, reply) => {
      const {
        username,
        password,
        password_hash,
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
