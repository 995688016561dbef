/**
 * Retries on real refusals from a real server: `429 RATE_LIMITED` from a tiny quota (GET and POST, after the
 * seconds of Retry-After), `503 SERVICE_BUSY` from a password-hash queue with no room, `503 SEALED` from a sealed
 * keyring that is unsealed while the client waits. Bounded: an answer whose Retry-After lies beyond the time
 * budget is returned at once, and a server that stays sealed gets exactly `attempts` requests.
 */
import path from 'node:path';
import { createClient, StrongroomError, unwrap } from '@strongroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSealedKeyring } from '../../src/crypto/index.js';
import { createUser } from '../helpers/test-app.js';
import { countingFetch, type Server, startServer } from './client-server.js';

describe('429 RATE_LIMITED', () => {
  let server: Server;
  let user: Awaited<ReturnType<typeof createUser>>;
  beforeAll(async () => {
    server = await startServer({
      env: {
        STRONGROOM_QUOTA_READS_CAPACITY: '2',
        STRONGROOM_QUOTA_READS_PER_MINUTE: '60',
        STRONGROOM_QUOTA_TOKENIZE_CAPACITY: '1',
        STRONGROOM_QUOTA_TOKENIZE_PER_MINUTE: '60',
      },
    });
    user = await createUser(server.t);
  });
  afterAll(async () => {
    await server.t.close();
  });

  it('waits the seconds of Retry-After and sends again, for a GET and for a POST', async () => {
    const wire = countingFetch();
    const client = createClient({ baseUrl: server.baseUrl, ca: server.ca, fetch: wire.fetch });
    await client.login({ username: user.username, password: user.password });
    unwrap(await client.GET('/v1/me'));
    unwrap(await client.GET('/v1/me'));
    let started = performance.now();
    unwrap(await client.GET('/v1/me'));
    const readWait = performance.now() - started;
    expect(wire.sent.filter((r) => r.path === '/v1/me').map((r) => r.status)).toEqual([200, 200, 429, 200]);
    expect(readWait).toBeGreaterThanOrEqual(950);

    const tokenize = () =>
      client.POST('/v1/tokens', { body: { kind: 'random', type: 'string', value: 'plain' } });
    unwrap(await tokenize());
    started = performance.now();
    unwrap(await tokenize());
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(wire.sent.filter((r) => r.path === '/v1/tokens').map((r) => r.status)).toEqual([201, 429, 201]);
    await client.close();
  });

  it('returns the 429 at once when Retry-After lies beyond the time budget', async () => {
    const wire = countingFetch();
    const client = createClient({
      baseUrl: server.baseUrl,
      ca: server.ca,
      fetch: wire.fetch,
      retry: { budgetMs: 500 },
    });
    await client.login({ username: user.username, password: user.password });
    // Drain the bucket (whatever the first test left in it), then one more.
    let result = await client.GET('/v1/me');
    while (result.response.status === 200) result = await client.GET('/v1/me');
    const started = performance.now();
    result = await client.GET('/v1/me');
    expect(performance.now() - started).toBeLessThan(500);
    expect(result.error?.error.code).toBe('RATE_LIMITED');
    expect(Number(result.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(wire.sent.at(-1)?.status).toBe(429);
    expect(wire.sent.at(-2)?.status).toBe(429);
    await client.close();
  });
});

describe('503 SERVICE_BUSY', () => {
  let server: Server;
  beforeAll(async () => {
    // One hash at a time and none waiting: concurrent logins are refused with 503 and Retry-After 1.
    server = await startServer({ flags: { hashConcurrency: 1, hashQueueLimit: 0 } });
  });
  afterAll(async () => {
    await server.t.close();
  });

  it('retries logins the hash queue had no room for, until each has its turn', {
    timeout: 30_000,
  }, async () => {
    const wire = countingFetch();
    // One after the other: creating a user hashes a password too.
    const users: Awaited<ReturnType<typeof createUser>>[] = [];
    for (let i = 0; i < 4; i++) users.push(await createUser(server.t));
    const clients = users.map(() =>
      createClient({ baseUrl: server.baseUrl, ca: server.ca, fetch: wire.fetch, retry: { attempts: 6 } }),
    );
    await Promise.all(
      clients.map((client, i) =>
        client.login({ username: users[i]?.username ?? '', password: users[i]?.password ?? '' }),
      ),
    );
    expect(clients.every((client) => client.isLoggedIn())).toBe(true);
    const statuses = wire.sent.map((request) => request.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
    expect(statuses).toContain(503);
    await Promise.all(clients.map((client) => client.close()));
  });
});

describe('503 SEALED', () => {
  let server: Server;
  let shares: string[] = [];
  let user: Awaited<ReturnType<typeof createUser>>;
  beforeAll(async () => {
    server = await startServer({
      flags: { keyring: 'sealed' },
      seedDataDir: async (dir) => {
        ({ shares } = await initSealedKeyring(path.join(dir, 'keyring.json'), { shares: 3, threshold: 2 }));
      },
    });
    user = await createUser(server.t);
  });
  afterAll(async () => {
    await server.t.close();
  });

  it('gives up after `attempts` requests while the server stays sealed, and throws SEALED', async () => {
    const wire = countingFetch();
    const client = createClient({ baseUrl: server.baseUrl, ca: server.ca, fetch: wire.fetch });
    const started = performance.now();
    const refused = await client.login({ username: user.username, password: user.password }).catch((e) => e);
    const elapsed = performance.now() - started;
    expect(refused).toBeInstanceOf(StrongroomError);
    expect((refused as StrongroomError).code).toBe('SEALED');
    expect((refused as StrongroomError).status).toBe(503);
    // 3 attempts, 1 s apart (SEALED sends no Retry-After; the client waits a second).
    expect(wire.sent.map((request) => request.status)).toEqual([503, 503, 503]);
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(5000);
    await client.close();
  });

  it('logs in once the server is unsealed while the client waits', async () => {
    const wire = countingFetch();
    const client = createClient({ baseUrl: server.baseUrl, ca: server.ca, fetch: wire.fetch });
    const login = client.login({ username: user.username, password: user.password });
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const share of shares.slice(0, 2)) {
      const answer = await server.t.app.inject({ method: 'POST', url: '/v1/sys/unseal', payload: { share } });
      expect(answer.statusCode).toBe(200);
    }
    await login;
    expect(client.isLoggedIn()).toBe(true);
    expect(wire.sent.map((request) => request.status)).toEqual([503, 200]);
    await client.close();
  });
});
