import type { FastifyInstance } from 'fastify';
import { type LoginFlow, normalizePassword } from '../../auth/index.js';
import { AppError, isAppError } from '../../errors.js';
import type { UserService } from '../../services/index.js';
import { actorOf } from '../plugins/authenticate.js';
import { anyText, MAX_ROLES, roleName, timestamp, username, uuid } from '../schema-bounds.js';
import { isoTime, ref, responses } from '../schemas.js';

export const meSchema = {
  $id: 'Me',
  type: 'object',
  required: ['id', 'username', 'roles', 'authenticated_by', 'created_at'],
  additionalProperties: false,
  properties: {
    id: uuid,
    username,
    roles: { type: 'array', maxItems: MAX_ROLES, items: roleName },
    authenticated_by: { type: 'string', enum: ['session', 'api_key'] },
    created_at: timestamp,
  },
} as const;

export async function meRoutes(
  app: FastifyInstance,
  options: {
    users: UserService;
    login: Pick<LoginFlow, 'checkPassword'>;
    onPasswordChanged: (user: { id: string; username: string }) => Promise<void>;
  },
): Promise<void> {
  app.get(
    '/v1/me',
    {
      config: { access: 'authenticated', pendingPasswordChange: 'allowed' },
      schema: {
        tags: ['me'],
        operationId: 'getMe',
        summary: 'The authenticated user',
        description:
          "Who the credential belongs to: id, username, roles (an API key's subset) and how it authenticated.",
        response: responses({ 200: ref(meSchema) }),
      },
    },
    // Authentication read the user in this very request; no second read is needed.
    async (request) => {
      const actor = actorOf(request);
      return {
        id: actor.userId,
        username: actor.username,
        roles: actor.roles,
        authenticated_by: actor.kind,
        created_at: isoTime(actor.userCreatedAt),
      };
    },
  );

  app.put<{ Body: { current_password: string; new_password: string } }>(
    '/v1/me/password',
    {
      config: { access: 'session', pendingPasswordChange: 'allowed' },
      schema: {
        tags: ['me'],
        operationId: 'changePassword',
        summary: "Change the password; the user's other sessions are revoked",
        description:
          'Needs the current password; the new one must pass the password policy (passwords it refuses are throttled per user: 429 with Retry-After). The other sessions are revoked, and every API key of the user but those minted in this session.',
        body: {
          type: 'object',
          required: ['current_password', 'new_password'],
          additionalProperties: false,
          properties: {
            current_password: { ...anyText(1024), writeOnly: true },
            new_password: { ...anyText(4096), writeOnly: true },
          },
        },
        response: responses({ 204: { type: 'null' } }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.kind !== 'session') throw new AppError('FORBIDDEN');
      // After a reset the current password is the administrator's one-time password: keeping it (in any Unicode
      // form that hashes alike) would leave the account known to whoever handed it over.
      const { current_password: current, new_password: next } = request.body;
      if (actor.mustChangePassword && normalizePassword(next) === normalizePassword(current)) {
        throw new AppError('VALIDATION_FAILED', {
          field: 'body.new_password',
          message: 'body.new_password must differ from the one-time password it replaces',
        });
      }
      let user: Awaited<ReturnType<typeof options.login.checkPassword>>;
      try {
        user = await options.login.checkPassword(
          actor.username,
          request.body.current_password,
          request.ip,
          request.id,
        );
      } catch (error) {
        if (isAppError(error, 'INVALID_CREDENTIALS')) {
          throw new AppError('INVALID_CREDENTIALS', {
            field: 'body.current_password',
            message: 'body.current_password is incorrect',
          });
        }
        throw error;
      }
      await options.users.setPassword(user, request.body.new_password, actor.sessionId, {
        userId: actor.userId,
        sessionId: actor.sessionId,
        clientAddress: request.ip,
        requestId: request.id,
      });
      await options.onPasswordChanged(user);
      return reply.code(204).send();
    },
  );
}
