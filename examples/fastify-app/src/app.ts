/**
 * `createApp(options)`: the customer API on Fastify. Its callers authenticate with Strongroom access tokens
 * (`strongroomAuth`: verified locally, revocation through introspection with the introspector's API key); every
 * route follows Strongroom's transport and URL practices (`strongroomSafety`); Fastify logs with
 * `strongroomLogger()`, which scrubs credentials and PII. The customers themselves live in a Strongroom
 * collection (customer-vault.ts): this process stores nothing and logs no field value.
 *
 * Routes: `POST /customers` (create), `GET /customers/:id` (masked; `?reveal=ssn,email` for `revealRoles`),
 * `POST /customers/search` (`{email}` in the body, never in the URL), `POST /customers/:id/tokens` (`{field}`: a
 * token standing for that value), `GET /me` (the caller).
 */

import { createClient } from '@strongroom/client';
import { strongroomAuth, strongroomLogger, strongroomSafety } from '@strongroom/fastify';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { DestinationStream } from 'pino';
import {
  createCustomerVault,
  type NewCustomer,
  SENSITIVE_FIELDS,
  type SensitiveField,
  vaultRefusal,
} from './customer-vault.js';

export interface CustomerApiOptions {
  /** Strongroom's base URL, e.g. `https://strongroom.internal:8443`. */
  strongroomUrl: string;
  /** PEM of the CA that signed Strongroom's certificate: the only one trusted. */
  ca: string | Buffer;
  /** API key of a service account with the `introspector` role. */
  introspectionKey: string;
  /** API key of the service account that writes and reads the customers collection. */
  vaultApiKey: string;
  /** This API's own certificate and key: it serves HTTPS only. */
  tls: { key: string | Buffer; cert: string | Buffer };
  /** Default `customers`. */
  collection?: string;
  /** Default 5: a logout is seen within this many seconds (0: on every request). */
  revocationCheckSeconds?: number;
  /** Strongroom roles whose holders may reveal fields in plain; default `['admin']`. */
  revealRoles?: readonly string[];
  /** `strongroomSafety`'s: the TLS-terminating proxy's addresses, when there is one. */
  trustProxy?: boolean | string;
  /** Where the log lines go; default stdout. */
  logDestination?: DestinationStream;
  /** The clock tokens are checked with (tests move it); default `Date.now`. */
  clock?: () => number;
}

const ID_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', format: 'uuid' } },
  required: ['id'],
} as const;

const FIELD_NAMES = { type: 'string', enum: [...SENSITIVE_FIELDS] } as const;

const NEW_CUSTOMER = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email'],
  properties: {
    name: { type: 'string', maxLength: 200 },
    email: { type: 'string', maxLength: 254 },
    ssn: { type: 'string', maxLength: 11 },
    date_of_birth: { type: 'string', maxLength: 10 },
  },
} as const;

const REVEAL = /^(name|email|ssn|date_of_birth)(,(name|email|ssn|date_of_birth))*$/;

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  field?: string,
) {
  return reply
    .code(status)
    .send({ error: { code, message, ...(field === undefined ? {} : { field }), request_id: request.id } });
}

/** Builds the customer API, ready to listen (main.ts listens). */
export async function createApp(options: CustomerApiOptions): Promise<FastifyInstance> {
  const revealRoles = options.revealRoles ?? ['admin'];
  const client = createClient({
    baseUrl: options.strongroomUrl,
    ca: options.ca,
    apiKey: options.vaultApiKey,
  });
  const vault = createCustomerVault(client, options.collection ?? 'customers');
  const logger = strongroomLogger();
  const app = Fastify({
    https: options.tls,
    logger: options.logDestination === undefined ? logger : { ...logger, stream: options.logDestination },
    bodyLimit: 16_384,
  });
  app.addHook('onClose', () => client.close());

  await app.register(strongroomSafety({ trustProxy: options.trustProxy ?? false }));
  await app.register(
    strongroomAuth({
      url: options.strongroomUrl,
      ca: options.ca,
      introspectionKey: options.introspectionKey,
      revocationCheckSeconds: options.revocationCheckSeconds ?? 5,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    }),
  );

  // The logger scrubs the error; the answer carries only a code.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const refusal = vaultRefusal(error);
    if (refusal !== null) {
      return sendError(request, reply, refusal.status, refusal.code, 'Strongroom refused', refusal.field);
    }
    if (error.validation !== undefined) {
      const first = error.validation[0];
      const field = `${error.validationContext ?? 'body'}${first?.instancePath.replaceAll('/', '.') ?? ''}`;
      if (error.validationContext === 'params')
        return sendError(request, reply, 404, 'CUSTOMER_NOT_FOUND', 'Not found');
      return sendError(request, reply, 400, 'VALIDATION_FAILED', 'The request is not valid', field);
    }
    if (typeof error.statusCode === 'number' && error.statusCode < 500) {
      return sendError(
        request,
        reply,
        error.statusCode,
        'VALIDATION_FAILED',
        'The request is not valid',
        'body',
      );
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(request, reply, 500, 'INTERNAL_ERROR', 'Internal error');
  });
  app.setNotFoundHandler((request, reply) => sendError(request, reply, 404, 'NOT_FOUND', 'Not found'));

  app.get('/me', async (request) => request.strongroom);

  app.post<{ Body: NewCustomer }>(
    '/customers',
    { schema: { body: NEW_CUSTOMER } },
    async (request, reply) => {
      const created = await vault.create(request.body);
      request.log.info({ customer: created.id }, 'customer created');
      return reply.code(201).send(created);
    },
  );

  app.post<{ Body: { email: string } }>(
    '/customers/search',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['email'],
          properties: { email: { type: 'string', maxLength: 254 } },
        },
      },
    },
    async (request) => ({ customers: await vault.searchByEmail(request.body.email, []) }),
  );

  app.get<{ Params: { id: string }; Querystring: { reveal?: string } }>(
    '/customers/:id',
    {
      schema: {
        params: ID_PARAMS,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { reveal: { type: 'string', pattern: REVEAL.source } },
        },
      },
    },
    async (request, reply) => {
      const reveal = (request.query.reveal?.split(',') ?? []) as SensitiveField[];
      const mayReveal = request.strongroom?.roles.some((role) => revealRoles.includes(role)) === true;
      if (reveal.length > 0 && !mayReveal) {
        return sendError(request, reply, 403, 'FORBIDDEN', 'You may not reveal these fields');
      }
      return vault.read(request.params.id, reveal);
    },
  );

  app.post<{ Params: { id: string }; Body: { field: SensitiveField } }>(
    '/customers/:id/tokens',
    {
      schema: {
        params: ID_PARAMS,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['field'],
          properties: { field: FIELD_NAMES },
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await vault.tokenize(request.params.id, request.body.field)),
  );

  return app;
}
