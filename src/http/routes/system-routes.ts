import type { FastifyInstance } from 'fastify';
import { MAX_PUBLISHED_KEYS } from '../../auth/index.js';
import { AppError } from '../../errors.js';
import { base64url } from '../schema-bounds.js';
import { responses } from '../schemas.js';

const status = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['ready'] } },
} as const;

const health = {
  type: 'object',
  required: ['status', 'sealed'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['ok'] },
    sealed: {
      type: 'boolean',
      description: 'True until operators unseal the root key (see /v1/sys/seal-status)',
    },
  },
} as const;

export async function systemRoutes(
  app: FastifyInstance,
  options: { notReady: () => Promise<string[]>; isSealed: () => boolean; jwks: () => { keys: object[] } },
): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { access: 'public', quota: 'exempt' },
      schema: {
        tags: ['system'],
        operationId: 'getHealth',
        summary: 'Liveness (alive even while sealed)',
        description:
          'Answers as long as the process runs, sealed or not. Public: load balancers probe it without credentials, and it says nothing but alive and sealed.',
        response: responses({ 200: health }),
      },
    },
    async () => ({ status: 'ok', sealed: options.isSealed() }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public', quota: 'exempt' },
      schema: {
        tags: ['system'],
        operationId: 'getReadiness',
        summary:
          'Readiness: unsealed, the database answers, a signing key is usable and Redis (if configured) answers',
        description:
          '503 NOT_READY until every dependency answers, within a second, naming those that do not (`database`, `signing_key`, `audit`, `redis`) and nothing more. Public: orchestrators probe it without credentials.',
        response: responses({ 200: status }),
      },
    },
    async () => {
      if (options.isSealed()) throw new AppError('SEALED');
      const failing = await options.notReady();
      if (failing.length > 0) {
        throw new AppError('NOT_READY', { message: `The service is not ready: ${failing.join(', ')}` });
      }
      return { status: 'ready' };
    },
  );

  app.get(
    '/.well-known/jwks.json',
    {
      config: { access: 'public', quota: 'exempt' },
      schema: {
        tags: ['system'],
        operationId: 'getJwks',
        summary: 'Public keys that verify access tokens (current and recently retired)',
        description:
          'The Ed25519 public keys (JWKS) that verify access tokens. Public by design: verifiers (your API, `@strongroom/*` middleware) fetch them without credentials; they hold no secret.',
        response: responses({
          200: {
            type: 'object',
            required: ['keys'],
            additionalProperties: false,
            properties: {
              keys: {
                type: 'array',
                maxItems: MAX_PUBLISHED_KEYS,
                items: {
                  type: 'object',
                  required: ['kty', 'crv', 'x', 'kid'],
                  additionalProperties: false,
                  properties: {
                    kty: { type: 'string', enum: ['OKP'] },
                    crv: { type: 'string', enum: ['Ed25519'] },
                    x: base64url(32),
                    kid: base64url(32),
                    alg: { type: 'string', enum: ['EdDSA'] },
                    use: { type: 'string', enum: ['sig'] },
                  },
                },
              },
            },
          },
        }),
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return options.jwks();
    },
  );
}
