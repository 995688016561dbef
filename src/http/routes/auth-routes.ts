import type { FastifyInstance } from 'fastify';
import type { LoginFlow, TokenPair } from '../../auth/index.js';
import { actorOf } from '../plugins/authenticate.js';
import { anyText, compactJws, integer, opaqueToken, plainText } from '../schema-bounds.js';
import { ref, responses } from '../schemas.js';

export const tokenPairSchema = {
  $id: 'TokenPair',
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in', 'refresh_token'],
  additionalProperties: false,
  properties: {
    // x-issued-secret: handing these to their caller is the point of login and refresh (docs/checks.md).
    access_token: {
      ...compactJws,
      description: 'Ed25519-signed JWT; send as `Authorization: Bearer …`',
      'x-issued-secret': true,
    },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { ...integer(30, 3600), description: 'Seconds until the access token expires' },
    refresh_token: { ...opaqueToken('srr'), description: 'Opaque, single-use', 'x-issued-secret': true },
  },
} as const;

function toBody(pair: TokenPair) {
  return {
    access_token: pair.accessToken,
    token_type: pair.tokenType,
    expires_in: pair.expiresIn,
    refresh_token: pair.refreshToken,
  };
}

export async function authRoutes(app: FastifyInstance, options: { login: LoginFlow }): Promise<void> {
  app.post<{ Body: { username: string; password: string } }>(
    '/v1/auth/login',
    {
      config: { access: 'public', quota: 'auth', auditUnavailable: 'auth.login' },
      schema: {
        tags: ['auth'],
        operationId: 'login',
        summary: 'Log in with a username and password',
        description:
          'The password travels in the body only. Public: it is how a credential is obtained. Throttled per account and per address (429 with Retry-After).',
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: plainText(64, 1),
            password: { ...anyText(1024), writeOnly: true },
          },
        },
        response: responses({ 200: ref(tokenPairSchema) }, 401),
      },
    },
    async (request) => {
      const { username, password } = request.body;
      return toBody(
        await options.login.login({ username, password, clientAddress: request.ip, requestId: request.id }),
      );
    },
  );

  app.post<{ Body: { refresh_token: string } }>(
    '/v1/auth/refresh',
    {
      config: { access: 'public', quota: 'auth', auditUnavailable: 'auth.refresh' },
      schema: {
        tags: ['auth'],
        operationId: 'refreshTokens',
        summary: 'Exchange a refresh token for a new token pair (the old refresh token is spent)',
        description:
          'Refresh tokens are single use: reusing a spent one revokes the whole session. Public: the refresh token in the body is the credential.',
        body: {
          type: 'object',
          required: ['refresh_token'],
          additionalProperties: false,
          properties: { refresh_token: { ...plainText(256, 1), writeOnly: true } },
        },
        response: responses({ 200: ref(tokenPairSchema) }, 401),
      },
    },
    async (request) =>
      toBody(
        await options.login.refresh({
          refreshToken: request.body.refresh_token,
          clientAddress: request.ip,
          requestId: request.id,
        }),
      ),
  );

  app.post(
    '/v1/auth/logout',
    {
      config: { access: 'session', pendingPasswordChange: 'allowed' },
      schema: {
        tags: ['auth'],
        operationId: 'logout',
        summary: 'Revoke the current session; its access and refresh tokens stop working at once',
        description:
          'Ends the session of the access token sent; its refresh token and the API keys minted in it stay as they are unless revoked.',
        response: responses({ 204: { type: 'null' } }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.kind === 'session') {
        await options.login.logout({
          userId: actor.userId,
          actorSubjectHash: actor.subjectHash,
          sessionId: actor.sessionId,
          clientAddress: request.ip,
          requestId: request.id,
        });
      }
      return reply.code(204).send();
    },
  );
}
