import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import {
  type Deprecation,
  declareDeprecations,
  deprecationHeaders,
  PATH_VALUE_DEPRECATED_SINCE,
  PATH_VALUE_SUNSET,
} from './deprecation.js';
import errorHandler from './plugins/error-handler.js';
import routeDocs from './route-docs.js';
import { errorResponse, responses } from './schemas.js';

const deprecation: Deprecation = {
  successor: { method: 'POST', path: '/v1/things/remove' },
  since: Date.UTC(2026, 11, 3),
  sunset: Date.UTC(2027, 5, 3),
};

/** An app with a deprecated route and its successor, documented like the real ones. */
async function appWith(schema: Record<string, unknown>): Promise<{
  app: FastifyInstance;
  schemas: Record<string, Record<string, unknown>>;
}> {
  const app = Fastify();
  app.addSchema(errorResponse);
  await app.register(errorHandler);
  await app.register(routeDocs);
  const schemas: Record<string, Record<string, unknown>> = {};
  await app.register(async (routes) => {
    declareDeprecations(routes);
    routes.addHook('onRoute', (route) => {
      schemas[`${route.method} ${route.url}`] = route.schema as Record<string, unknown>;
    });
    routes.delete<{ Params: { id: string } }>(
      '/v1/things/:id',
      { config: { access: 'public', deprecation }, schema },
      async (request, reply) => {
        if (request.params.id === 'missing') throw new AppError('TOKEN_NOT_FOUND');
        return reply.code(204).send();
      },
    );
    routes.post(
      '/v1/things/remove',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'removeThing',
          description: 'Removes a thing.',
          response: responses({ 204: {} }),
        },
      },
      async (_request, reply) => reply.code(204).send(),
    );
  });
  await app.ready();
  return { app, schemas };
}

const deprecatedSchema = () => ({
  operationId: 'removeThingByPath',
  description: 'Removes a thing named in the path.',
  deprecated: true,
  response: responses({ 204: { type: 'null' } }, 404),
});

describe('deprecated routes', () => {
  it('format Deprecation as an RFC 9745 date, Sunset as an RFC 8594 HTTP date, Link to the successor', () => {
    expect(deprecationHeaders(deprecation)).toEqual({
      deprecation: '@1796256000',
      sunset: 'Thu, 03 Jun 2027 00:00:00 GMT',
      link: '</v1/things/remove>; rel="successor-version"',
    });
    // The path routes' sunset is six months after their deprecation.
    const since = new Date(PATH_VALUE_DEPRECATED_SINCE);
    expect(new Date(PATH_VALUE_SUNSET)).toEqual(
      new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth() + 6, since.getUTCDate())),
    );
  });

  it('send the headers on every answer, errors included, and only on the deprecated route', async () => {
    const { app } = await appWith(deprecatedSchema());
    const expected = deprecationHeaders(deprecation);
    const done = await app.inject({ method: 'DELETE', url: '/v1/things/a' });
    expect(done.statusCode).toBe(204);
    expect(done.headers).toMatchObject(expected);
    const missing = await app.inject({ method: 'DELETE', url: '/v1/things/missing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('TOKEN_NOT_FOUND');
    expect(missing.headers).toMatchObject(expected);
    const successor = await app.inject({ method: 'POST', url: '/v1/things/remove' });
    expect(successor.statusCode).toBe(204);
    expect(successor.headers.deprecation).toBeUndefined();
    expect(successor.headers.sunset).toBeUndefined();
    await app.close();
  });

  it('declare the headers on every response, the defaults of route-docs included, and open the description', async () => {
    const { app, schemas } = await appWith(deprecatedSchema());
    const schema = schemas['DELETE /v1/things/:id'] ?? {};
    const declared = schema.response as Record<string, { headers?: Record<string, { enum: string[] }> }>;
    expect(Object.keys(declared)).toEqual(expect.arrayContaining(['204', '400', '404', '500', '503']));
    for (const [status, response] of Object.entries(declared)) {
      expect(Object.keys(response.headers ?? {}), status).toEqual(
        expect.arrayContaining(['Deprecation', 'Link', 'Sunset']),
      );
      expect(response.headers?.Deprecation?.enum).toEqual(['@1796256000']);
    }
    expect(schema.description).toMatch(
      /^\*\*Deprecated\*\* since 2026-12-03: use `POST \/v1\/things\/remove`/,
    );
    expect(schema.description).toContain('2027-06-03');
    const successor = schemas['POST /v1/things/remove']?.response as Record<string, { headers?: object }>;
    for (const response of Object.values(successor))
      expect(response.headers).not.toHaveProperty('Deprecation');
    await app.close();
  });

  it('refuse a route deprecated in its config but not in its schema', async () => {
    await expect(appWith({ ...deprecatedSchema(), deprecated: undefined })).rejects.toMatchObject({
      code: 'ROUTE_CONFIG_INVALID',
      field: 'schema.deprecated',
    });
  });
});
