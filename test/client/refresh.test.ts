/**
 * Token renewal against a real server whose clock the test moves (the client is given the same clock, or one of
 * its own): the access token is refreshed before it expires, a token the server rejects as expired is refreshed
 * once and the call sent again, and 20 concurrent calls share a single refresh, counted at the wire. A spent refresh
 * token is never presented twice (the server would revoke the session), and a logout is not undone by a refresh.
 */
import { createClient, type StrongroomClient, unwrap } from '@strongroom/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock, createUser } from '../helpers/test-app.js';
import { countingFetch, type Server, startServer } from './client-server.js';

const TTL_SECONDS = 900;
const clock = createTestClock();
let server: Server;
let user: Awaited<ReturnType<typeof createUser>>;
let wire: ReturnType<typeof countingFetch>;
let client: StrongroomClient;

beforeAll(async () => {
  server = await startServer({ clock });
  user = await createUser(server.t);
});
afterAll(async () => {
  await server.t.close();
});

async function loggedIn(now: () => number = clock): Promise<StrongroomClient> {
  wire = countingFetch();
  client = createClient({ baseUrl: server.baseUrl, ca: server.ca, fetch: wire.fetch, now });
  await client.login({ username: user.username, password: user.password });
  return client;
}

beforeEach(async () => {
  await client?.close();
});

const refreshes = () => wire.count('/v1/auth/refresh');
const meStatuses = () => wire.sent.filter((request) => request.path === '/v1/me').map((r) => r.status);

describe('refresh before expiry', () => {
  it('keeps the token while more than 20% of its lifetime is left, then renews it before the call', async () => {
    await loggedIn();
    clock.advance(TTL_SECONDS * 0.75 * 1000);
    unwrap(await client.GET('/v1/me'));
    expect(refreshes()).toBe(0);

    clock.advance(TTL_SECONDS * 0.1 * 1000); // 85% of the lifetime gone
    unwrap(await client.GET('/v1/me'));
    expect(refreshes()).toBe(1);
    // Renewed before the call: the server never saw the old token expire.
    expect(meStatuses()).toEqual([200, 200]);

    // The new pair has a lifetime of its own: past the old token's expiry, no second refresh is needed yet.
    clock.advance(TTL_SECONDS * 0.5 * 1000);
    unwrap(await client.GET('/v1/me'));
    expect(refreshes()).toBe(1);
  });

  it('20 concurrent calls with a token due trigger one refresh', async () => {
    await loggedIn();
    clock.advance(TTL_SECONDS * 0.9 * 1000);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.GET('/v1/me')));
    expect(results.map((result) => result.response.status)).toEqual(Array(20).fill(200));
    expect(refreshes()).toBe(1);
    expect(meStatuses()).toEqual(Array(20).fill(200));
  });
});

describe('refresh after the server rejects the token', () => {
  it('refreshes once and sends the call again when the token is expired at the server', async () => {
    // The client's clock stands still: it believes the token fresh; the server sees it expired.
    const frozen = clock();
    await loggedIn(() => frozen);
    clock.advance((TTL_SECONDS + 120) * 1000);
    const me = unwrap(await client.GET('/v1/me'));
    expect(me.username).toBe(user.username);
    expect(refreshes()).toBe(1);
    expect(meStatuses()).toEqual([401, 200]);
  });

  it('20 concurrent calls rejected with INVALID_TOKEN share one refresh', async () => {
    const frozen = clock();
    await loggedIn(() => frozen);
    clock.advance((TTL_SECONDS + 120) * 1000);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.GET('/v1/me')));
    expect(results.map((result) => result.response.status)).toEqual(Array(20).fill(200));
    expect(refreshes()).toBe(1);
    expect(meStatuses().filter((status) => status === 401)).toHaveLength(20);
    expect(meStatuses().filter((status) => status === 200)).toHaveLength(20);
  });

  it('a second rejection after the refresh is returned, not retried again', async () => {
    await loggedIn();
    // Revoke every session of the user behind the client's back: the refresh itself is refused.
    await server.t.services.stores.sessions.revokeUserSessions(user.id, 'test', clock());
    const result = await client.GET('/v1/me');
    expect(result.error?.error.code).toBe('INVALID_REFRESH_TOKEN');
    expect(refreshes()).toBe(1);
    expect(wire.count('/v1/me')).toBe(1);
    expect(client.isLoggedIn()).toBe(false);
  });
});

describe('refresh()', () => {
  it('renews on demand; concurrent calls share one request and the old refresh token is never sent again', async () => {
    await loggedIn();
    await Promise.all([client.refresh(), client.refresh(), client.refresh()]);
    expect(refreshes()).toBe(1);
    await client.refresh();
    expect(refreshes()).toBe(2);
    // Had a spent refresh token been presented, the server would have revoked the session.
    unwrap(await client.GET('/v1/me'));
    expect(wire.sent.filter((request) => request.path === '/v1/auth/refresh').map((r) => r.status)).toEqual([
      200, 200,
    ]);
  });

  it('a logout while a refresh is on its way is not undone by it', async () => {
    // The refresh's answer is held back until the logout has finished, so it arrives after it.
    wire = countingFetch();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    client = createClient({
      baseUrl: server.baseUrl,
      ca: server.ca,
      now: clock,
      fetch: async (url, init) => {
        const response = await wire.fetch(url, init);
        if (url.endsWith('/v1/auth/refresh')) await held;
        return response;
      },
    });
    await client.login({ username: user.username, password: user.password });
    const refreshing = client.refresh();
    await client.logout();
    release();
    await refreshing;
    expect(wire.sent.filter((r) => r.path === '/v1/auth/refresh').map((r) => r.status)).toEqual([200]);
    expect(client.isLoggedIn()).toBe(false);
    const after = await client.GET('/v1/me');
    expect(after.error?.error.code).toBe('AUTHENTICATION_REQUIRED');
    expect(wire.sent.at(-1)?.credentialHeaders).toEqual([]);
  });
});
