/**
 * Guarantees of GET /metrics: only a caller the policy grants `read_metrics` reads it (admin, and the built-in
 * `monitor` role through an API key; a plain user and anonymous callers are refused); the exposition is valid text
 * format 0.0.4; it counts requests by route pattern, logins by outcome, refusals by kind; and no label ever carries
 * what a client sent: random paths, ids and usernames never appear in it, and every label value is from a fixed set.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPENDENCIES } from '../../src/core/core-metrics.js';
import { CACHE_NAMES, LOGIN_OUTCOMES, REFUSAL_KINDS } from '../../src/core/metrics.js';
import { parseExposition, type Sample } from '../helpers/prometheus-text.js';
import { createTestApp, createUser, loggedInUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let monitorKey: string;
let adminHeaders: Record<string, string>;
let userHeaders: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  const monitor = await createUser(t, ['monitor']);
  monitorKey = (await t.services.apiKeys.create(monitor.id, randomUUID(), { name: 'prometheus' })).key;
  adminHeaders = (await loggedInUser(t, ['admin'])).headers;
  userHeaders = (await loggedInUser(t, ['user'])).headers;
});
afterAll(async () => {
  await t.close();
});

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const response = await t.app.inject({ url: '/metrics', headers: { 'x-api-key': monitorKey } });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return { text: response.body, samples: parseExposition(response.body) };
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found?.value ?? 0;
}

describe('GET /metrics access', () => {
  it('answers a monitor API key and an admin, and refuses a user and anonymous callers', async () => {
    expect((await t.app.inject({ url: '/metrics', headers: { 'x-api-key': monitorKey } })).statusCode).toBe(
      200,
    );
    expect((await t.app.inject({ url: '/metrics', headers: adminHeaders })).statusCode).toBe(200);
    const user = await t.app.inject({ url: '/metrics', headers: userHeaders });
    expect(user.statusCode).toBe(403);
    expect(user.json().error.code).toBe('FORBIDDEN');
    const anonymous = await t.app.inject({ url: '/metrics' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toContain('strongroom_');
  });

  it('lets a monitor key do nothing else', async () => {
    const headers = { 'x-api-key': monitorKey };
    expect((await t.app.inject({ url: '/v1/users', headers })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/v1/audit/events', headers })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/v1/keys/jobs', headers })).statusCode).toBe(403);
  });
});

describe('GET /metrics content', () => {
  it('counts requests by route pattern, logins by outcome and throttle refusals', async () => {
    const before = (await scrape()).samples;
    const id = randomUUID();
    await t.app.inject({
      url: `/v1/collections/c${randomBytes(4).toString('hex')}/records/${id}`,
      headers: userHeaders,
    });
    const user = await createUser(t);
    await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: user.username, password: user.password },
    });
    await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: user.username, password: 'wrong-password-1' },
    });
    const { text, samples } = await scrape();
    const route = '/v1/collections/:collection/records/:id';
    const requests = samples.filter(
      (s) => s.name === 'strongroom_http_requests_total' && s.labels.route === route,
    );
    expect(requests.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThanOrEqual(1);
    const logins = (outcome: string, of: Sample[]) => value(of, 'strongroom_logins_total', { outcome });
    expect(logins('ok', samples) - logins('ok', before)).toBeGreaterThanOrEqual(1);
    expect(logins('failed', samples) - logins('failed', before)).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(id);
    expect(text).not.toContain(user.username);
    // The histogram, the queues, the dependencies, the caches and the event loop are all there.
    for (const name of [
      'strongroom_http_request_duration_seconds_bucket',
      'strongroom_hash_queue_depth',
      'strongroom_audit_queue_depth',
      'strongroom_audit_commit_duration_seconds_count',
      'strongroom_dependency_up',
      'strongroom_key_jobs',
      'strongroom_cache_lookups_total',
      'strongroom_credential_cache_lookups_total',
      'strongroom_nodejs_eventloop_lag_seconds',
    ]) {
      expect(
        samples.some((s) => s.name === name),
        name,
      ).toBe(true);
    }
    expect(value(samples, 'strongroom_dependency_up', { dependency: 'database' })).toBe(1);
    expect(
      value(samples, 'strongroom_cache_lookups_total', { cache: 'verified_token', result: 'hit' }),
    ).toBeGreaterThan(0);
  });

  it('counts throttle refusals', async () => {
    const before = value((await scrape()).samples, 'strongroom_refusals_total', { kind: 'throttle' });
    const user = await createUser(t);
    let throttled = 0;
    for (let i = 0; i < 12 && throttled === 0; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: user.username, password: `wrong-${i}-password` },
      });
      if (response.statusCode === 429) throttled++;
    }
    expect(throttled).toBe(1);
    const { samples } = await scrape();
    expect(value(samples, 'strongroom_refusals_total', { kind: 'throttle' })).toBe(before + 1);
    expect(value(samples, 'strongroom_logins_total', { outcome: 'throttled' })).toBeGreaterThanOrEqual(1);
  });
});

/** Route patterns the app documents, as Fastify writes them (`{id}` → `:id`). */
async function routePatterns(): Promise<Set<string>> {
  const document = (await t.app.inject({ url: '/openapi.json' })).json() as {
    paths: Record<string, unknown>;
  };
  const documented = Object.keys(document.paths).map((p) => p.replace(/\{([^}]+)\}/g, ':$1'));
  return new Set([...documented, '/openapi.json']);
}

/** The fixed set each label name's values come from (default Node.js metrics included). */
function labelAllowed(name: string, labelValue: string, routes: Set<string>): boolean {
  const sets: Record<string, readonly string[]> = {
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'OTHER'],
    outcome: LOGIN_OUTCOMES,
    cache: CACHE_NAMES,
    result: ['hit', 'miss', 'bypass', 'ok', 'failed'],
    dependency: DEPENDENCIES,
    kind: [...REFUSAL_KINDS, 'master', 'collection', 'index', 'major', 'minor', 'incremental', 'weakcb'],
  };
  if (name === 'route')
    return labelValue === 'unmatched' || routes.has(labelValue) || labelValue.startsWith('/docs');
  if (name === 'status')
    return /^[1-5]\d\d$/.test(labelValue) || ['running', 'completed', 'failed'].includes(labelValue);
  if (name === 'le') return labelValue === '+Inf' || /^\d+(\.\d+)?$/.test(labelValue);
  // Runtime facts (heap space names, the Node.js version): not request-derived.
  if (['space', 'version', 'major', 'minor', 'patch', 'type'].includes(name))
    return /^[A-Za-z0-9_.]+$/.test(labelValue);
  return sets[name]?.includes(labelValue) ?? false;
}

describe('no label carries what a client sent', () => {
  it('random paths, ids and usernames never reach the exposition; every label value is from a fixed set', async () => {
    const routes = await routePatterns();
    const marker = fc.stringMatching(/^[a-z0-9]{10,16}$/);
    await fc.assert(
      fc.asyncProperty(
        marker,
        fc.uuid(),
        marker,
        fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH'),
        async (segment, id, username, method) => {
          const sent = [segment, id, username];
          await t.app.inject({
            method,
            url: `/v1/collections/${segment}/records/${id}`,
            headers: userHeaders,
          });
          await t.app.inject({ method, url: `/${segment}/${id}?q=${username}` });
          await t.app.inject({ url: `/v1/users/${id}`, headers: adminHeaders });
          await t.app.inject({
            method: 'POST',
            url: '/v1/auth/login',
            payload: { username, password: segment },
          });
          const { text, samples } = await scrape();
          for (const value of sent) expect(text).not.toContain(value);
          for (const sample of samples) {
            for (const [name, labelValue] of Object.entries(sample.labels)) {
              expect(labelAllowed(name, labelValue, routes), `${sample.name} ${name}=${labelValue}`).toBe(
                true,
              );
            }
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('the strict reader refuses what Prometheus refuses', () => {
    expect(() => parseExposition('# TYPE a counter\na{x="1} 1\n')).toThrow();
    expect(() => parseExposition('a 1\n')).toThrow(/undeclared/);
    expect(() => parseExposition('# TYPE a counter\na one\n')).toThrow(/bad value/);
    expect(() => parseExposition('# TYPE a counter\na 1')).toThrow(/newline/);
    expect(parseExposition('# HELP a x\n# TYPE a counter\na{b="c\\"d"} 1\n')).toEqual([
      { name: 'a', labels: { b: 'c"d' }, value: 1 },
    ]);
  });
});
