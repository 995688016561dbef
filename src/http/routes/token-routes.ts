import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenizeInput, TokenService } from '../../services/index.js';
import {
  DETERMINISTIC_TOKEN_PATTERN,
  FIELD_TYPES,
  MAX_FIELD_VALUE_LENGTH,
  RANDOM_TOKEN_PATTERN,
} from '../../vault/index.js';
import { declareDeprecations, PATH_VALUE_DEPRECATED_SINCE, PATH_VALUE_SUNSET } from '../deprecation.js';
import { detokenizeQuota } from '../quota-plan.js';
import { integer, uuid } from '../schema-bounds.js';
import { responses } from '../schemas.js';
import { callerOf, collectionName, fieldName } from '../vault-schemas.js';

const access = { access: 'authenticated' } as const;
const KINDS = ['random', 'deterministic', 'format_preserving'] as const;
/** At most this many tokens in one detokenize call. */
const MAX_DETOKENIZE = 100;

/** Random, deterministic or card token (12–19 digits, first digit 9); anything else is refused unread. */
const CARD_TOKEN_SOURCE = '9[0-9]{11,18}';
const TOKEN_PATTERN = `^(?:${RANDOM_TOKEN_PATTERN.source.slice(1, -1)}|${DETERMINISTIC_TOKEN_PATTERN.source.slice(1, -1)}|${CARD_TOKEN_SOURCE})$`;
/** The longest of them: a deterministic token, `tkd_` and 32 characters. */
const TOKEN_MAX_LENGTH = 36;
const tokenString = { type: 'string', maxLength: TOKEN_MAX_LENGTH, pattern: TOKEN_PATTERN } as const;

const kind = { type: 'string', enum: [...KINDS] } as const;
const fieldType = { type: 'string', enum: [...FIELD_TYPES] } as const;

/** A field value: strings up to the widest type's limit, safe integers, booleans (its type checks the rest). */
const fieldValue = {
  ...integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  type: ['string', 'integer', 'boolean'],
  maxLength: MAX_FIELD_VALUE_LENGTH,
} as const;

const tokenizeBody = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind,
    source: {
      type: 'object',
      required: ['collection', 'record', 'field'],
      additionalProperties: false,
      description: 'A stored sensitive field you may see in plain',
      properties: { collection: collectionName, record: uuid, field: fieldName },
    },
    type: { ...fieldType, description: 'With `value`: the type it is checked as' },
    value: { ...fieldValue, description: 'Normalized by its type' },
  },
  oneOf: [{ required: ['source'] }, { required: ['type', 'value'] }],
} as const;

const detokenized = {
  type: 'object',
  required: ['token'],
  additionalProperties: false,
  description: '`type` and `value`, or `error` (TOKEN_NOT_FOUND also for tokens you may not read)',
  properties: {
    token: tokenString,
    type: fieldType,
    value: fieldValue,
    error: { type: 'string', enum: ['TOKEN_NOT_FOUND'] },
  },
} as const;

/** Deleting a token, whichever route asks: same policy, audit action and answers. */
const deletion = {
  config: { ...access, audit: 'token.delete' },
  tags: ['tokens'],
  summary: 'Delete the rows of a token the policy lets you delete (`delete` on `tokens/<type>`)',
  description: 'A token someone else holds answers 404 like one that does not exist.',
} as const;

/** A map of its own per route: route-docs and the deprecation notice complete each route's in place. */
const deletionResponses = () =>
  responses({ 204: { type: 'null', description: 'Your rows of the token are deleted' } }, 404);

export async function tokenRoutes(app: FastifyInstance, options: { tokens: TokenService }): Promise<void> {
  const { tokens } = options;
  declareDeprecations(app);

  async function deleteToken(request: FastifyRequest, reply: FastifyReply, token: string) {
    await tokens.delete(callerOf(request), token);
    return reply.code(204).send();
  }

  app.post<{ Body: TokenizeInput }>(
    '/v1/tokens',
    {
      config: { ...access, audit: 'record.tokenize', quota: 'tokenize' },
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
            properties: { token: tokenString, kind, type: fieldType },
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
      config: { ...access, audit: 'record.detokenize', quota: detokenizeQuota },
      schema: {
        tags: ['tokens'],
        operationId: 'detokenize',
        summary: 'The values behind tokens (admins and the token creator), one result per token, in order',
        description: 'Tokens travel in the body; each result says whether the value was found and allowed.',
        body: {
          type: 'object',
          required: ['tokens'],
          additionalProperties: false,
          properties: {
            tokens: { type: 'array', minItems: 1, maxItems: MAX_DETOKENIZE, items: tokenString },
          },
        },
        response: responses({
          200: {
            type: 'object',
            required: ['values'],
            additionalProperties: false,
            properties: { values: { type: 'array', maxItems: MAX_DETOKENIZE, items: detokenized } },
          },
        }),
      },
    },
    async (request) => ({ values: await tokens.detokenize(callerOf(request), request.body.tokens) }),
  );

  app.post<{ Body: { token: string } }>(
    '/v1/tokens/delete',
    {
      config: deletion.config,
      schema: {
        tags: deletion.tags,
        operationId: 'deleteToken',
        summary: deletion.summary,
        description: `The token travels in the body, never in a URL. ${deletion.description}`,
        body: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: tokenString },
        },
        response: deletionResponses(),
      },
    },
    (request, reply) => deleteToken(request, reply, request.body.token),
  );

  app.delete<{ Params: { token: string } }>(
    '/v1/tokens/:token',
    {
      config: {
        ...deletion.config,
        deprecation: {
          successor: { method: 'POST', path: '/v1/tokens/delete' },
          since: PATH_VALUE_DEPRECATED_SINCE,
          sunset: PATH_VALUE_SUNSET,
        },
      },
      schema: {
        tags: deletion.tags,
        operationId: 'deleteTokenByPath',
        deprecated: true,
        summary: `${deletion.summary}, the token in the path (deprecated)`,
        description: `The token travels in the URL, where proxies and logs see it. ${deletion.description}`,
        params: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: tokenString },
        },
        response: deletionResponses(),
      },
    },
    (request, reply) => deleteToken(request, reply, request.params.token),
  );
}
