/**
 * A session kept outside the client (the CLI's credential file): `onRefreshToken` hands out each new refresh token,
 * `resume(token)` starts a session from one in a new client. Against a real server, so a spent token is really
 * refused (and its reuse ends the session, as the server's reuse detection does).
 */
import { createClient, StrongroomError, unwrap } from '@strongroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/test-app.js';
import { type Server, startServer } from './client-server.js';

let server: Server;
let user: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  server = await startServer();
  user = await createUser(server.t);
});
afterAll(async () => {
  await server.t.close();
});

describe('resume and onRefreshToken', () => {
  it('hands out each new refresh token and resumes from the latest one in another client', async () => {
    const seen: string[] = [];
    const first = createClient({
      baseUrl: server.baseUrl,
      ca: server.ca,
      onRefreshToken: (t) => seen.push(t),
    });
    await first.login({ username: user.username, password: user.password });
    expect(seen).toHaveLength(1);
    await first.refresh();
    expect(seen).toHaveLength(2);
    expect(seen[1]).not.toBe(seen[0]);
    await first.close();

    const second = createClient({
      baseUrl: server.baseUrl,
      ca: server.ca,
      onRefreshToken: (t) => seen.push(t),
    });
    expect(second.isLoggedIn()).toBe(false);
    await second.resume(seen[1] as string);
    expect(second.isLoggedIn()).toBe(true);
    expect(seen).toHaveLength(3);
    expect(unwrap(await second.GET('/v1/me')).username).toBe(user.username);
    await second.close();
  });

  it('refuses a spent refresh token with INVALID_REFRESH_TOKEN and reports no token', async () => {
    const seen: string[] = [];
    const client = createClient({
      baseUrl: server.baseUrl,
      ca: server.ca,
      onRefreshToken: (t) => seen.push(t),
    });
    await client.login({ username: user.username, password: user.password });
    await client.refresh();
    const again = createClient({
      baseUrl: server.baseUrl,
      ca: server.ca,
      onRefreshToken: (t) => seen.push(t),
    });
    const error = await again.resume(seen[0] as string).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StrongroomError);
    expect((error as StrongroomError).code).toBe('INVALID_REFRESH_TOKEN');
    expect(String((error as StrongroomError).message)).not.toContain(seen[0] as string);
    expect(again.isLoggedIn()).toBe(false);
    expect(seen).toHaveLength(2);
    await client.close();
    await again.close();
  });

  it('with a shared refresh token, two clients of one session refresh in turn without ending it', async () => {
    // The CLI's case: two commands resume one stored session; each refresh must spend the token stored now.
    let stored = '';
    let queue = Promise.resolve();
    const shared = {
      withLock<T>(work: () => Promise<T>): Promise<T> {
        const run = queue.then(work);
        queue = run.then(
          () => undefined,
          () => undefined,
        );
        return run;
      },
      latest: () => stored,
    };
    const open = () =>
      createClient({
        baseUrl: server.baseUrl,
        ca: server.ca,
        onRefreshToken: (t) => {
          stored = t;
        },
        sharedRefreshToken: shared,
      });
    const first = open();
    await first.login({ username: user.username, password: user.password });
    const second = open();
    await second.resume(stored);
    // `first` still holds the token `second` spent: without the shared store this refresh is a reuse.
    await first.refresh();
    await second.refresh();
    await Promise.all([first.refresh(), second.refresh()]);
    expect(unwrap(await first.GET('/v1/me')).username).toBe(user.username);
    expect(unwrap(await second.GET('/v1/me')).username).toBe(user.username);
    await first.close();
    await second.close();
  });

  it('without a shared store, spending the rotated-away token ends the session (what the store prevents)', async () => {
    let stored = '';
    const open = () =>
      createClient({
        baseUrl: server.baseUrl,
        ca: server.ca,
        onRefreshToken: (t) => {
          stored = t;
        },
      });
    const first = open();
    await first.login({ username: user.username, password: user.password });
    const second = open();
    await second.resume(stored);
    const error = await first.refresh().catch((caught: unknown) => caught);
    expect((error as StrongroomError).code).toBe('INVALID_REFRESH_TOKEN');
    await first.close();
    await second.close();
  });
});
