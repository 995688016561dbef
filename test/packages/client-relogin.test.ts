/**
 * @strongroom/client's `login()` (and `resume()`) while already logged in, against a real Strongroom over TLS: the
 * previous session is revoked at the server first, so no session the client forgot lives on; when it cannot be
 * revoked, nothing changes (the client keeps it and the error is thrown).
 */
import { createClient, StrongroomError } from '@strongroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, startServer } from '../client/client-server.js';
import { createUser } from '../helpers/test-app.js';

let server: Server;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.t.close();
});

/** A client that keeps each refresh token it is given, to check afterwards which sessions still live. */
function recordingClient(target: Server) {
  const refreshTokens: string[] = [];
  const client = createClient({
    baseUrl: target.baseUrl,
    ca: target.ca,
    onRefreshToken: (token) => refreshTokens.push(token),
  });
  return { client, refreshTokens };
}

/** Whether Strongroom still honours a refresh token (spending it, with a client of its own). */
async function sessionLives(target: Server, refreshToken: string): Promise<boolean> {
  const probe = createClient({ baseUrl: target.baseUrl, ca: target.ca });
  try {
    await probe.resume(refreshToken);
    await probe.logout();
    return true;
  } catch (error) {
    if (error instanceof StrongroomError && error.status === 401) return false;
    throw error;
  } finally {
    await probe.close();
  }
}

describe('login() while logged in', () => {
  it('revokes the previous session, whether the same user logs in again or another', async () => {
    const alice = await createUser(server.t);
    const bob = await createUser(server.t);
    const { client, refreshTokens } = recordingClient(server);
    await client.login({ username: alice.username, password: alice.password });
    await client.login({ username: alice.username, password: alice.password });
    await client.login({ username: bob.username, password: bob.password });
    expect(refreshTokens).toHaveLength(3);
    const [first, second, third] = refreshTokens as [string, string, string];
    expect(await sessionLives(server, first)).toBe(false);
    expect(await sessionLives(server, second)).toBe(false);
    const me = await client.GET('/v1/me');
    expect(me.data).toMatchObject({ username: bob.username });
    expect(await sessionLives(server, third)).toBe(true);
    await client.close();
  });

  it('revokes the previous session before resume() starts another', async () => {
    const carol = await createUser(server.t);
    const { client, refreshTokens } = recordingClient(server);
    await client.login({ username: carol.username, password: carol.password });
    const other = recordingClient(server);
    await other.client.login({ username: carol.username, password: carol.password });
    const kept = other.refreshTokens[0] as string;
    await client.resume(kept);
    expect(await sessionLives(server, refreshTokens[0] as string)).toBe(false);
    expect(client.isLoggedIn()).toBe(true);
    await client.logout();
    await Promise.all([client.close(), other.client.close()]);
  });

  it('keeps the current session, and throws, when it cannot be revoked', async () => {
    const own = await startServer();
    const dave = await createUser(own.t);
    const { client, refreshTokens } = recordingClient(own);
    await client.login({ username: dave.username, password: dave.password });
    await own.t.close();
    await expect(client.login({ username: dave.username, password: dave.password })).rejects.toThrow();
    expect(client.isLoggedIn()).toBe(true);
    expect(refreshTokens).toHaveLength(1);
    await client.close();
  });
});
