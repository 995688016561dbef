/**
 * Guarantee: every quota-governed request is counted in one token bucket per identity (user, API key, or client
 * address before authentication) and route group, and refused with 429 RATE_LIMITED, Retry-After and the RateLimit
 * headers once the bucket is empty, audited as rate_limited on audited routes; buckets refill with time; roles get
 * their quotas from the policy (the most generous of an identity's roles); reveal and detokenize count values; the
 * Redis store shares buckets between nodes, and a Redis that does not answer means 503, fast, never an unthrottled
 * request.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import {
  createTestApp,
  createTestClock,
  createUser,
  loggedInUser,
  type TestApp,
  type TestClock,
} from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

type Response = Awaited<ReturnType<TestApp['app']['inject']>>;

const REDIS_URL = process.env.STRONGROOM_REDIS_URL ?? null;
const RATE_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'] as const;

/** The RateLimit headers (and Retry-After when present), each asserted to be a non-negative integer string. */
function limits(response: Response): {
  limit: number;
  remaining: number;
  reset: number;
  retryAfter?: number;
} {
  const read = (name: string) => {
    const value = response.headers[name];
    expect(value, name).toMatch(/^(0|[1-9][0-9]*)$/);
    return Number(value);
  };
  const [limit, remaining, reset] = RATE_HEADERS.map(read) as [number, number, number];
  return {
    limit,
    remaining,
    reset,
    ...(response.headers['retry-after'] === undefined ? {} : { retryAfter: read('retry-after') }),
  };
}

function expectRateLimited(response: Response): void {
  expect(response.statusCode, response.body).toBe(429);
  expect(response.json().error.code).toBe('RATE_LIMITED');
  expect(limits(response).retryAfter).toBeGreaterThanOrEqual(1);
}

describe('quotas per identity and group (memory store)', () => {
  let t: TestApp;
  let clock: TestClock;
  let admin: Awaited<ReturnType<typeof loggedInUser>>;

  beforeAll(async () => {
    clock = createTestClock();
    t = await createTestApp({
      clock,
      flags: {
        quotaReadsCapacity: '3',
        quotaReadsPerMinute: '60',
        quotaRevealCapacity: '10',
        quotaRevealPerMinute: '60',
        quotaDetokenizeCapacity: '4',
        quotaDetokenizePerMinute: '60',
      },
    });
    admin = await loggedInUser(t, ['admin']);
    expect((await vaultApi(t, admin.headers).createCollection('patients')).statusCode).toBe(201);
  });
  afterAll(() => t.close());

  it('refuses once the bucket is empty, with the headers, and audits the refusal as rate_limited', async () => {
    const alice = await loggedInUser(t);
    const api = vaultApi(t, alice.headers);
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const response = await api.list('patients');
      expect(response.statusCode, response.body).toBe(200);
      seen.push(limits(response));
    }
    expect(seen).toEqual([
      { limit: 3, remaining: 2, reset: 1 },
      { limit: 3, remaining: 1, reset: 2 },
      { limit: 3, remaining: 0, reset: 3 },
    ]);
    const refused = await api.list('patients');
    expectRateLimited(refused);
    expect(limits(refused)).toEqual({ limit: 3, remaining: 0, reset: 3, retryAfter: 1 });
    expect(refused.json().error.message).not.toMatch(/patients|alice|\d/);
    const events = await t.services.audit.query(
      { actor: `user:${alice.id}`, action: 'record.list', outcome: 'rate_limited' },
      10,
    );
    expect(events.events).toHaveLength(1);
    expect(events.events[0]?.resource).toEqual({ collection: 'patients' });
  });

  it('refills with time (the injected clock, not sleeps)', async () => {
    const user = await loggedInUser(t);
    const api = vaultApi(t, user.headers);
    for (let i = 0; i < 3; i++) expect((await api.list('patients')).statusCode).toBe(200);
    expectRateLimited(await api.list('patients'));
    clock.advance(999);
    expectRateLimited(await api.list('patients'));
    clock.advance(1);
    expect((await api.list('patients')).statusCode).toBe(200);
    expectRateLimited(await api.list('patients'));
    clock.advance(60_000);
    const full = await api.list('patients');
    expect(limits(full)).toEqual({ limit: 3, remaining: 2, reset: 1 });
  });

  it("keeps identities apart: another user, and the user's own API key, are not affected", async () => {
    const alice = await loggedInUser(t);
    const bob = await loggedInUser(t);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: alice.headers,
      payload: { name: 'ci' },
    });
    expect(created.statusCode).toBe(201);
    for (let i = 0; i < 3; i++) await t.app.inject({ url: '/v1/me', headers: alice.headers });
    expectRateLimited(await t.app.inject({ url: '/v1/me', headers: alice.headers }));
    const other = await t.app.inject({ url: '/v1/me', headers: bob.headers });
    expect([other.statusCode, limits(other).remaining]).toEqual([200, 2]);
    const byKey = await t.app.inject({ url: '/v1/me', headers: { 'x-api-key': created.json().key } });
    expect([byKey.statusCode, limits(byKey).remaining]).toEqual([200, 2]);
    // Groups are apart too: alice's writes are still allowed.
    const write = await vaultApi(t, alice.headers).create('patients', patient(1));
    expect(write.statusCode).toBe(201);
    expect(limits(write).limit).toBe(600);
  });

  it('counts reads that reveal in the reveal group, one unit per record the page may hold', async () => {
    const carol = await loggedInUser(t);
    const api = vaultApi(t, carol.headers);
    // A collection of carol's records only, which she may all reveal.
    expect((await vaultApi(t, admin.headers).createCollection('carols')).statusCode).toBe(201);
    const id = (await api.create('carols', patient(2))).json().id as string;
    const masked = await api.read('carols', id);
    expect([masked.statusCode, limits(masked).limit]).toEqual([200, 3]);
    const revealed = await api.read('carols', id, '?reveal=ssn');
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(limits(revealed)).toMatchObject({ limit: 10, remaining: 9 });
    const page = await api.list('carols', '?reveal=ssn&limit=5');
    expect(page.statusCode, page.body).toBe(200);
    expect(limits(page)).toMatchObject({ limit: 10, remaining: 4 });
    const search = await api.search('carols', { where: { tenant_id: 'acme' }, reveal: ['ssn'], limit: 4 });
    expect(search.statusCode, search.body).toBe(200);
    expect(limits(search)).toMatchObject({ limit: 10, remaining: 0 });
    expectRateLimited(await api.read('carols', id, '?reveal=ssn'));
    // A page larger than the reveal capacity could never be served: refused as invalid, naming the field.
    const tooLarge = await api.list('carols', '?reveal=ssn&limit=50');
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'query.limit' });
  });

  it('counts detokenization per token', async () => {
    const dave = await loggedInUser(t);
    const token = await t.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...dave.headers, 'x-access-purpose': 'support' },
      payload: { kind: 'random', type: 'email', value: 'dave@example.com' },
    });
    expect(token.statusCode, token.body).toBe(201);
    const detokenize = (tokens: string[]) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/tokens/detokenize',
        headers: { ...dave.headers, 'x-access-purpose': 'support' },
        payload: { tokens },
      });
    const value = token.json().token as string;
    const two = await detokenize([value, value]);
    expect(two.statusCode, two.body).toBe(200);
    expect(limits(two)).toMatchObject({ limit: 4, remaining: 2 });
    expectRateLimited(await detokenize([value, value, value]));
    const tooMany = await detokenize([value, value, value, value, value]);
    expect(tooMany.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.tokens' });
    const events = await t.services.audit.query(
      { actor: `user:${dave.id}`, action: 'record.detokenize', outcome: 'rate_limited' },
      10,
    );
    expect(events.events).toHaveLength(1);
  });

  it('counts a 4xx answered before the charge, with its headers, without turning it into 429', async () => {
    const erin = await loggedInUser(t);
    const invalid = () =>
      t.app.inject({ url: '/v1/collections/patients/records?limit=none', headers: erin.headers });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await invalid());
    expect(answers.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 400]);
    expect(answers.map((r) => limits(r).remaining)).toEqual([2, 1, 0, 0, 0]);
    expectRateLimited(await vaultApi(t, erin.headers).list('patients'));
  });

  it('leaves the probes and the token verification keys exempt', async () => {
    for (const url of ['/healthz', '/readyz', '/.well-known/jwks.json', '/v1/sys/seal-status']) {
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      for (const name of RATE_HEADERS) expect(response.headers[name], `${url} ${name}`).toBeUndefined();
    }
  });

  it('declares in the OpenAPI document what it sends: headers on 2xx and 4xx, and 429 with Retry-After', async () => {
    type Header = { schema: { type: string; format: string; minimum: number; maximum: number } };
    type Operation = { responses: Record<string, { headers?: Record<string, Header>; content?: object }> };
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const exempt = ['/healthz', '/readyz', '/.well-known/jwks.json', '/v1/sys/seal-status'];
    let governed = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method} ${path}`;
        const names = (status: string) => Object.keys(operation.responses[status]?.headers ?? {});
        if (exempt.includes(path)) {
          expect(operation.responses['429'], where).toBeUndefined();
          for (const status of Object.keys(operation.responses))
            expect(names(status), where).not.toContain('RateLimit-Limit');
          continue;
        }
        governed += 1;
        expect(operation.responses['429']?.content, `${where} 429`).toBeDefined();
        expect(names('429'), where).toEqual(expect.arrayContaining(['Retry-After']));
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!/^[24]/.test(status)) continue;
          for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']) {
            const header = response.headers?.[name];
            expect(header?.schema, `${where} ${status} ${name}`).toMatchObject({
              type: 'integer',
              format: 'int32',
            });
            expect(header?.schema.minimum).toBeGreaterThanOrEqual(0);
            expect(header?.schema.maximum).toBeLessThanOrEqual(2_147_483_647);
          }
        }
      }
    }
    expect(governed).toBeGreaterThan(30);
  });

  it("applies a role's quota from the policy, the most generous of an identity's roles", async () => {
    const document: { roles: Record<string, { rules: unknown[]; quotas?: unknown }> } =
      defaultPolicyDocument();
    document.roles.user = {
      rules: document.roles.user?.rules ?? [],
      quotas: { search: { capacity: 2, per_minute: 1 } },
    };
    document.roles.bulk = { rules: [], quotas: { search: { capacity: 20, per_minute: 60 } } };
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: admin.headers,
      payload: document,
    });
    expect(put.statusCode, put.body).toBe(200);
    const current = await t.app.inject({ url: '/v1/policies/current', headers: admin.headers });
    expect(current.json().document.roles.user.quotas).toEqual({ search: { capacity: 2, per_minute: 1 } });

    const plain = vaultApi(t, (await loggedInUser(t, ['user'])).headers);
    const search = () => plain.search('patients', { where: { tenant_id: 'acme' } });
    expect(limits(await search())).toMatchObject({ limit: 2, remaining: 1 });
    await search();
    expectRateLimited(await search());
    const bulk = vaultApi(t, (await loggedInUser(t, ['user', 'bulk'])).headers);
    const generous = await bulk.search('patients', { where: { tenant_id: 'acme' } });
    expect(limits(generous)).toMatchObject({ limit: 20, remaining: 19 });

    const invalid = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: admin.headers,
      payload: { ...document, roles: { ...document.roles, bulk: { rules: [], quotas: { auth: {} } } } },
    });
    expect(invalid.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'body.roles.bulk.quotas',
    });
  });
});

describe('quotas per client address before authentication', () => {
  let t: TestApp;
  let n = 0;
  const address = () => `203.0.113.${++n}`;

  beforeAll(async () => {
    t = await createTestApp({
      clock: createTestClock(),
      flags: { quotaAuthCapacity: '3', quotaAuthPerMinute: '1', addressThrottleFreeAttempts: '1000' },
    });
  });
  afterAll(() => t.close());

  it('counts logins per address, apart from the failed-attempt throttle', async () => {
    const user = await createUser(t);
    const from = address();
    const attempt = (remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: user.username, password: user.password },
        remoteAddress,
      });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await attempt(from));
    expect(answers.map((r) => [r.statusCode, limits(r).remaining])).toEqual([
      [200, 2],
      [200, 1],
      [200, 0],
    ]);
    expectRateLimited(await attempt(from));
    expect((await attempt(address())).statusCode).toBe(200);
  });

  it('counts failed authentications in the address bucket, and refuses them with 429 once it is empty', async () => {
    const from = address();
    const forged = () =>
      t.app.inject({
        url: '/v1/me',
        headers: { authorization: `Bearer srk_${'A'.repeat(40)}` },
        remoteAddress: from,
      });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await forged());
    expect(answers.map((r) => [r.statusCode, limits(r).limit, limits(r).remaining])).toEqual([
      [401, 3, 2],
      [401, 3, 1],
      [401, 3, 0],
    ]);
    expectRateLimited(await forged());
    // A valid credential from the same address is counted under its own identity, not the address.
    const user = await createUser(t);
    const key = await t.services.apiKeys.create(user.id, randomUUID(), { name: 'nat' });
    const valid = await t.app.inject({
      url: '/v1/me',
      headers: { 'x-api-key': key.key },
      remoteAddress: from,
    });
    expect([valid.statusCode, limits(valid).limit]).toEqual([200, 1200]);
  });
});

describe.skipIf(REDIS_URL === null)('quotas shared through Redis', () => {
  const prefix = `strongroom-test-${randomBytes(4).toString('hex')}:`;
  const flags = {
    redisUrl: REDIS_URL ?? '',
    redisKeyPrefix: prefix,
    quotaAuthCapacity: '3',
    quotaAuthPerMinute: '1',
    addressThrottleFreeAttempts: '1000',
  };
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    [one, two] = await Promise.all([createTestApp({ flags }), createTestApp({ flags })]);
  });
  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
  });

  it('draws two nodes on one prefix from one bucket', async () => {
    const remoteAddress = '198.51.100.77';
    const login = (t: TestApp) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'x', password: 'y' },
        remoteAddress,
      });
    expect(limits(await login(one)).remaining).toBe(2);
    expect(limits(await login(two)).remaining).toBe(1);
    expect(limits(await login(one)).remaining).toBe(0);
    expectRateLimited(await login(two));
    expectRateLimited(await login(one));
  });
});

describe('quotas when Redis does not answer', () => {
  const TIMEOUT_MS = 300;

  async function withRedisAt(
    url: string,
    check: (t: TestApp, headers: Record<string, string>) => Promise<void>,
  ) {
    const t = await createTestApp({ flags: { redisUrl: url, redisCommandTimeoutMs: String(TIMEOUT_MS) } });
    try {
      const user = await createUser(t);
      const { key } = await t.services.apiKeys.create(user.id, randomUUID(), { name: 'probe' });
      await check(t, { 'x-api-key': key });
    } finally {
      await t.close();
    }
  }

  async function timed(request: () => Promise<Response>): Promise<{ response: Response; ms: number }> {
    const started = performance.now();
    const response = await request();
    return { response, ms: performance.now() - started };
  }

  it('answers 503 DEPENDENCY_UNAVAILABLE at once when connections are refused', async () => {
    // Nothing listens on port 1.
    await withRedisAt('redis://127.0.0.1:1', async (t, headers) => {
      for (const request of [
        () => t.app.inject({ url: '/v1/me', headers }),
        () =>
          t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'a', password: 'b' } }),
      ]) {
        const { response, ms } = await timed(request);
        expect(response.statusCode, response.body).toBe(503);
        expect(response.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
        expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
      }
    });
  });

  it('answers 503 within the command timeout when Redis accepts connections but never replies', async () => {
    const sockets = new Set<net.Socket>();
    const stalled = net.createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const { port } = stalled.address() as net.AddressInfo;
    try {
      await withRedisAt(`redis://127.0.0.1:${port}`, async (t, headers) => {
        const { response, ms } = await timed(() => t.app.inject({ url: '/v1/me', headers }));
        expect(response.statusCode, response.body).toBe(503);
        expect(response.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
        // At most the command timeout (sooner when the client has already given up on this server), never a hang.
        expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });
});
