import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import urlGuard, { checkUrl } from './url-guard.js';

async function appWithParams(url: string, params?: Record<string, unknown>) {
  const app = Fastify();
  await app.register(urlGuard);
  const properties = params === undefined ? {} : { params: { type: 'object', properties: params } };
  app.get(url, { schema: properties }, async () => ({}));
  await app.ready();
  return app;
}

describe('url-guard: every path parameter is bounded by its route', () => {
  it('refuses a route whose path parameter has no maxLength, naming the parameter', async () => {
    await expect(appWithParams('/things/:id')).rejects.toMatchObject({
      code: 'ROUTE_CONFIG_INVALID',
      field: 'schema.params.properties.id.maxLength',
    });
    await expect(
      appWithParams('/things/:id/parts/:part', {
        id: { type: 'string', maxLength: 36 },
        part: { type: 'string' },
      }),
    ).rejects.toMatchObject({
      code: 'ROUTE_CONFIG_INVALID',
      field: 'schema.params.properties.part.maxLength',
    });
  });

  it('accepts bounded path parameters and routes without any', async () => {
    const bounded = await appWithParams('/things/:id', { id: { type: 'string', maxLength: 36 } });
    expect((await bounded.inject({ url: '/things/abc' })).statusCode).toBe(200);
    const plain = await appWithParams('/things');
    expect((await plain.inject({ url: '/things' })).statusCode).toBe(200);
  });
});

describe('url-guard: a fragment in the request target', () => {
  it('is refused, since the router would read what follows # as the query', () => {
    for (const target of [
      '/v1/users#password=x',
      '/v1/collections/people/records#filter[password]=pw',
      '/#',
    ]) {
      expect(checkUrl(target)?.code, target).toBe('MALFORMED_URL');
    }
    expect(checkUrl('/v1/users?limit=5')).toBeNull();
  });
});
