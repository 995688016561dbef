/**
 * @strongroom/client's time limit against a real Strongroom over TLS: a sealed server answers `503 SEALED`, which
 * the client retries a second apart (3 sends, about 2 s); a call limited to less fails with REQUEST_TIMEOUT at its
 * limit, so no retry loop outlasts it. Per call `{ timeoutMs }` overrides the client's; a caller's own signal still
 * aborts with its own reason; invalid limits are refused.
 */
import path from 'node:path';
import { createClient, StrongroomError } from '@strongroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSealedKeyring } from '../../src/crypto/index.js';
import { countingFetch, type Server, startServer } from '../client/client-server.js';
import { createUser } from '../helpers/test-app.js';

let server: Server;
let user: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  server = await startServer({
    flags: { keyring: 'sealed' },
    seedDataDir: async (dir) => {
      await initSealedKeyring(path.join(dir, 'keyring.json'), { shares: 3, threshold: 2 });
    },
  });
  user = await createUser(server.t);
});

afterAll(async () => {
  await server.t.close();
});

async function timed<T>(work: () => Promise<T>): Promise<{ outcome: T | unknown; ms: number }> {
  const started = performance.now();
  const outcome = await work().catch((error: unknown) => error);
  return { outcome, ms: performance.now() - started };
}

describe('timeoutMs', () => {
  it('fails a call that outlasts the client’s limit with REQUEST_TIMEOUT, retries included', async () => {
    const wire = countingFetch();
    const client = createClient({
      baseUrl: server.baseUrl,
      ca: server.ca,
      fetch: wire.fetch,
      timeoutMs: 1500,
    });
    const { outcome, ms } = await timed(() =>
      client.login({ username: user.username, password: user.password }),
    );
    expect(outcome).toBeInstanceOf(StrongroomError);
    expect(outcome).toMatchObject({ code: 'REQUEST_TIMEOUT', status: 0 });
    expect(String(outcome)).not.toContain(user.password);
    // Cut at the limit, during the second wait: without it, 3 sends and about 2 s, then SEALED.
    expect(ms).toBeGreaterThanOrEqual(1450);
    expect(ms).toBeLessThan(1900);
    expect(wire.sent.map((request) => request.status)).toEqual([503, 503]);
    expect(client.isLoggedIn()).toBe(false);
    await client.close();
  });

  it('takes a limit per call, over the client’s', async () => {
    const client = createClient({ baseUrl: server.baseUrl, ca: server.ca, timeoutMs: 60_000 });
    const { outcome, ms } = await timed(() => client.GET('/v1/me', { timeoutMs: 1200 }));
    expect(outcome).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    expect(ms).toBeLessThan(1900);
    // A limit beyond the retries: the server's own answer, as before.
    const sealed = await client.GET('/v1/me', { timeoutMs: 10_000 });
    expect(sealed.response.status).toBe(503);
    expect(sealed.error).toMatchObject({ error: { code: 'SEALED' } });
    await client.close();
  });

  it('leaves a caller’s own abort its own reason', async () => {
    const client = createClient({ baseUrl: server.baseUrl, ca: server.ca });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller gave up')), 300);
    const { outcome, ms } = await timed(() => client.GET('/v1/me', { signal: controller.signal }));
    expect(outcome).not.toBeInstanceOf(StrongroomError);
    expect(ms).toBeLessThan(1000);
    await client.close();
  });

  it('refuses a limit that is not a positive whole number of milliseconds', async () => {
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      expect(() => createClient({ baseUrl: server.baseUrl, timeoutMs })).toThrow(RangeError);
    }
    const client = createClient({ baseUrl: server.baseUrl, ca: server.ca });
    await expect(client.GET('/v1/me', { timeoutMs: 0 })).rejects.toThrow(RangeError);
    await client.close();
  });
});
