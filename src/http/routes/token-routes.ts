import type { FastifyInstance } from 'fastify';
import type { TokenizeInput, TokenService } from '../../services/index.js';
import {
  COLLECTION_NAME_PATTERN,
  DETERMINISTIC_TOKEN_PATTERN,
  FIELD_NAME_PATTERN,
  FIELD_TYPES,
  RANDOM_TOKEN_PATTERN,
} from '../../vault/index.js';
import { responses, uuidParam } from '../schemas.js';
import { callerOf } from '../vault-schemas.js';

const access = { access: 'authenticated' } as const;
const KINDS = ['random', 'deterministic', 'format_preserving'] as const;

/** Random, deterministic or card token (12–19 digits, first digit 9); anything else is refused unread. */
const CARD_TOKEN_SOURCE = '9[0-9]{11,18}';
const TOKEN_PATTERN = `^(?:${RANDOM_TOKEN_PATTERN.source.slice(1, -1)}|${DETERMINISTIC_TOKEN_PATTERN.source.slice(1, -1)}|${CARD_TOKEN_SOURCE})$`;
const tokenString = { type: 'string', pattern: TOKEN_PATTERN } as const;

const fieldValue = { type: ['string', 'number', 'boolean'], description: 'Normalized by its type' } as const;

const tokenizeBody = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: [...KINDS] },
    source: {
      type: 'object',
      required: ['collection', 'record', 'field'],
      additionalProperties: false,
      description: 'A stored sensitive field you may see in plain',
      properties: {
        collection: { type: 'string', pattern: COLLECTION_NAME_PATTERN },
        record: uuidParam.properties.id,
        field: { type: 'string', pattern: FIELD_NAME_PATTERN },
      },
    },
    type: { type: 'string', enum: [...FIELD_TYPES], description: 'With `value`: the type it is checked as' },
    value: fieldValue,
  },
  oneOf: [{ required: ['source'] }, { required: ['type', 'value'] }],
} as const;

const detokenized = {
  type: 'object',
  required: ['token'],
  additionalProperties: false,
  description: '`type` and `value`, or `error` (TOKEN_NOT_FOUND also for tokens you may not read)',
  properties: {
    token: { type: 'string' },
    type: { type: 'string' },
    value: { type: ['string', 'integer', 'boolean'] },
    error: { type: 'string', enum: ['TOKEN_NOT_FOUND'] },
  },
} as const;

export async function tokenRoutes(app: FastifyInstance, options: { tokens: TokenService }): Promise<void> {
  const { tokens } = options;

  app.post<{ Body: TokenizeInput }>(
    '/v1/tokens',
    {
      config: { ...access, audit: 'record.tokenize' },
      schema: {
        tags: ['tokens'],
        operationId: 'tokenize',
        summary: 'Turn a stored sensitive field, or a value of a field type, into a token',
        description:
          '`random`: opaque, new on every call. `deterministic`: equal values of one type give equal tokens ' +
          '(joins; leaks equality). `format_preserving`: card_number only; same length and last four, fails Luhn.',
        body: tokenizeBody,
        response: responses({
          201: {
            type: 'object',
            required: ['token', 'kind', 'type'],
            additionalProperties: false,
            properties: { token: { type: 'string' }, kind: { type: 'string' }, type: { type: 'string' } },
          },
        }),
      },
    },
    async (request, reply) => {
      const created = await tokens.tokenize(callerOf(request), request.body);
      return reply.code(201).send(created);
    },
  );

  app.post<{ Body: { tokens: string[] } }>(
    '/v1/tokens/detokenize',
    {
      config: { ...access, audit: 'record.detokenize' },
      schema: {
        tags: ['tokens'],
        operationId: 'detokenize',
        summary: 'The values behind tokens (admins and the token creator), one result per token, in order',
        description: 'Tokens travel in the body; each result says whether the value was found and allowed.',
        body: {
          type: 'object',
          required: ['tokens'],
          additionalProperties: false,
          properties: { tokens: { type: 'array', minItems: 1, maxItems: 100, items: tokenString } },
        },
        response: responses({
          200: {
            type: 'object',
            required: ['values'],
            additionalProperties: false,
            properties: { values: { type: 'array', items: detokenized } },
          },
        }),
      },
    },
    async (request) => ({ values: await tokens.detokenize(callerOf(request), request.body.tokens) }),
  );

  app.delete<{ Params: { token: string } }>(
    '/v1/tokens/:token',
    {
      config: { ...access, audit: 'token.delete' },
      schema: {
        tags: ['tokens'],
        operationId: 'deleteToken',
        summary: 'Delete the rows of a token the policy lets you delete (`delete` on `tokens/<type>`)',
        description: 'A token someone else holds answers 404 like one that does not exist.',
        params: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: tokenString },
        },
        response: responses({ 204: { type: 'null' } }),
      },
    },
    async (request, reply) => {
      await tokens.delete(callerOf(request), request.params.token);
      return reply.code(204).send();
    },
  );
}
