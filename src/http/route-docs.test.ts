import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import routeDocs from './route-docs.js';
import { errorResponse, responses } from './schemas.js';

async function appWith(route: {
  access: 'public' | 'authenticated' | 'session';
  schema: Record<string, unknown>;
}) {
  const app = Fastify();
  app.addSchema(errorResponse);
  await app.register(routeDocs);
  const captured: Record<string, unknown>[] = [];
  app.addHook('onRoute', (r) => {
    captured.push(r.schema as Record<string, unknown>);
  });
  app.post('/v1/things/:id', { config: { access: route.access }, schema: route.schema }, async () => ({}));
  await app.ready();
  return captured[0] ?? {};
}

describe('route-docs: the document follows what the route declares', () => {
  it('refuses a documented route without an operationId or a description', async () => {
    await expect(
      appWith({ access: 'public', schema: { description: 'A thing, described.' } }),
    ).rejects.toMatchObject({
      code: 'ROUTE_CONFIG_INVALID',
      field: 'schema.operationId',
    });
    await expect(appWith({ access: 'public', schema: { operationId: 'makeThing' } })).rejects.toMatchObject({
      code: 'ROUTE_CONFIG_INVALID',
      field: 'schema.description',
    });
  });

  it('derives security, the purpose header and the error responses from the access level', async () => {
    const base = {
      operationId: 'makeThing',
      description: 'Makes a thing.',
      response: responses({ 201: {} }, 409),
    };
    const open = await appWith({
      access: 'public',
      schema: { ...base, response: responses({ 201: {} }, 409) },
    });
    expect(open.security).toEqual([]);
    expect(open.headers).toBeUndefined();
    expect(Object.keys(open.response as object).sort()).toEqual(
      ['201', '400', '404', '409', '413', '415', '500', '503'].sort(),
    );
    const session = await appWith({ access: 'session', schema: base });
    expect(session.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(session.response as object)).toEqual(expect.arrayContaining(['401', '403']));
    expect((session.headers as { properties: object }).properties).toHaveProperty('x-access-purpose');
    expect(session.description).toContain('API keys are refused');
  });
});

describe('publicUrl', () => {
  it('defaults to the listening address and must be https', () => {
    expect(loadConfig({ host: '::1', port: 9443 }, {}).publicUrl).toBe('https://[::1]:9443');
    expect(loadConfig({}, { STRONGROOM_PUBLIC_URL: 'https://vault.example.com/' }).publicUrl).toBe(
      'https://vault.example.com',
    );
    expect(() => loadConfig({ publicUrl: 'http://vault.example.com' }, {})).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID_VALUE', field: 'publicUrl' }),
    );
  });
});
