import Fastify, { type RouteOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTAS } from '../config/quotas.js';
import { compilePolicy, defaultPolicyDocument } from '../policy/index.js';
import { createQuotaService } from '../services/index.js';
import { createMemoryQuotaStore } from '../state/index.js';
import authenticate from './plugins/authenticate.js';
import quota from './plugins/quota.js';
import { createQuotaGate } from './quota-gate.js';
import { planQuota } from './quota-plan.js';

/** A route as the onRoute hook sees it. */
function route(method: string, url: string, config: Record<string, unknown>): RouteOptions {
  return { method, url, config, handler: async () => ({}) } as unknown as RouteOptions;
}

const authorize = { action: 'manage_keys', resource: 'system/keys' };

describe('quota plans: every route in exactly one group, decided at registration', () => {
  it.each([
    ['GET', '/v1/me', { access: 'authenticated' }, 'reads'],
    ['HEAD', '/v1/me', { access: 'authenticated' }, 'reads'],
    ['PUT', '/v1/me/password', { access: 'session' }, 'writes'],
    ['DELETE', '/v1/api-keys/:id', { access: 'authenticated' }, 'writes'],
    ['GET', '/v1/keys/jobs', { access: 'authenticated', authorize }, 'admin'],
    ['POST', '/v1/keys/rotate', { access: 'authenticated', authorize }, 'admin'],
    ['POST', '/v1/tokens', { access: 'authenticated', quota: 'tokenize' }, 'tokenize'],
    ['POST', '/v1/auth/login', { access: 'public', quota: 'auth' }, 'auth'],
  ])('%s %s → %s', (method, url, config, group) => {
    expect(planQuota(route(method, url, config))?.group).toBe(group);
  });

  it('exempts only public routes that say so, and the documentation assets', () => {
    expect(planQuota(route('GET', '/healthz', { access: 'public', quota: 'exempt' }))).toBeNull();
    expect(planQuota(route('GET', '/docs/static/app.js', {}))).toBeNull();
  });

  it.each<[string, string, string, Record<string, unknown>]>([
    ['a public route without a group', 'POST', '/v1/open', { access: 'public' }],
    ['an exempt authenticated route', 'GET', '/v1/me', { access: 'authenticated', quota: 'exempt' }],
    ['an unknown group', 'GET', '/v1/me', { access: 'authenticated', quota: 'everything' }],
    ['a public route outside auth', 'POST', '/v1/open', { access: 'public', quota: 'reads' }],
    ['auth on an authenticated route', 'GET', '/v1/me', { access: 'authenticated', quota: 'auth' }],
    ['a method with no group', 'OPTIONS', '/v1/me', { access: 'authenticated' }],
    ['a rule without a charge', 'GET', '/v1/me', { access: 'authenticated', quota: { group: 'reads' } }],
  ])('refuses %s (ROUTE_CONFIG_INVALID, config.quota)', (_name, method, url, config) => {
    expect(() => planQuota(route(method, url, config))).toThrow(
      expect.objectContaining({ code: 'ROUTE_CONFIG_INVALID', field: 'config.quota' }),
    );
  });

  it('stops an app from starting with such a route', async () => {
    const app = Fastify();
    const quotas = createQuotaService({
      store: createMemoryQuotaStore({ maxBuckets: 10 }),
      defaults: DEFAULT_QUOTAS,
      policy: () => compilePolicy(defaultPolicyDocument()),
      clock: Date.now,
    });
    const gate = createQuotaGate({ quotas });
    const authenticator = { authenticate: async () => null as never };
    const authorizer = { authorize: () => 'plain' as const, purposes: () => new Set<string>() };
    await app.register(authenticate, { authenticator, authorizer, quota: gate });
    await app.register(quota, { gate });
    await expect(
      (async () => {
        app.post('/v1/open', { config: { access: 'public' } }, async () => ({}));
        await app.ready();
      })(),
    ).rejects.toMatchObject({ code: 'ROUTE_CONFIG_INVALID', field: 'config.quota' });
  });
});
