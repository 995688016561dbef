/**
 * Review (issue 12, item 2): a node whose Redis subscription still looks up while Redis no longer answers (the
 * server frozen: no close, no error) hears of no revocation. Its heartbeat (state/revocation-bus.ts) stops coming
 * back, so within HEARTBEAT_TIMEOUT_MS the node stops trusting its cache and reads the database: the revoked
 * session must be refused within that bound (plus the scheduling slack of a loaded machine), with Redis still
 * frozen, and once Redis answers again the node trusts its channel again, starting empty.
 * Own redis-server process (SIGSTOP/SIGCONT), real SQLite storage shared by the two "nodes".
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Authenticator,
  CREDENTIAL_CACHE_MAX_AGE_MS,
  createAuthenticator,
  createCredentialCache,
} from '../../src/auth/index.js';
import { isAppError } from '../../src/errors.js';
import {
  createRedisInvalidationChannel,
  createRevocationBus,
  HEARTBEAT_TIMEOUT_MS,
  type RevocationBus,
} from '../../src/state/index.js';
import { createTestApp, createUser, type TestApp } from '../helpers/test-app.js';

const SLACK_MS = 1_500;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const until = async (condition: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await condition()) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
};

async function outcome(auth: Authenticator, token: string): Promise<string> {
  try {
    await auth.authenticate({ authorization: `Bearer ${token}`, apiKey: undefined });
    return 'ok';
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

describe('a node whose Redis is frozen', () => {
  let redis: ChildProcess;
  let t: TestApp;
  let bus: RevocationBus;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const prefix = `review-frozen-${randomBytes(4).toString('hex')}:`;
    // Node A: the app, publishing through this Redis.
    t = await createTestApp({ flags: { redisUrl: url, redisKeyPrefix: prefix } });
    // Node B's bus, subscribed to the same channel.
    bus = createRevocationBus({
      channel: createRedisInvalidationChannel({ url, prefix, commandTimeoutMs: 500 }),
      retryForMs: CREDENTIAL_CACHE_MAX_AGE_MS,
    });
    expect(await until(() => bus.isLive() && t.services.revocations.isLive(), 10_000)).toBe(true);
  }, 60_000);

  afterAll(async () => {
    redis?.kill('SIGCONT');
    await bus?.close();
    await t?.close();
    redis?.kill('SIGKILL');
  });

  it('refuses a session revoked meanwhile within the heartbeat bound, and trusts the channel once it answers', async () => {
    const cache = createCredentialCache({ bus, maxEntries: 100 });
    const s = t.services;
    const nodeB = createAuthenticator({
      accessTokens: s.accessTokens,
      apiKeys: s.apiKeys,
      sessions: s.stores.sessions,
      users: s.stores.users,
      clock: Date.now,
      cache,
    });
    const user = await createUser(t);
    const record = await s.stores.users.findById(user.id);
    if (record === null) throw new Error('user not stored');
    const started = await s.sessions.start(record.id, record.credentialVersion);
    const token = await s.accessTokens.issue({ userId: record.id, sessionId: started.sessionId, roles: [] });
    expect(await outcome(nodeB, token)).toBe('ok');
    expect(await outcome(nodeB, token)).toBe('ok');
    expect(cache.stats().hits).toBe(1);

    redis.kill('SIGSTOP');
    const frozenAt = Date.now();
    // The logout is in the database, but its message to B cannot get through (B does not know it missed one).
    await s.stores.sessions.revokeSession(started.sessionId, 'logout', Date.now());
    expect(await until(async () => (await outcome(nodeB, token)) === 'INVALID_TOKEN', 10_000)).toBe(true);
    // Within the heartbeat bound, far inside the entry age bound that was the only limit before.
    expect(Date.now() - frozenAt).toBeLessThan(HEARTBEAT_TIMEOUT_MS + SLACK_MS);
    expect(HEARTBEAT_TIMEOUT_MS + SLACK_MS).toBeLessThan(CREDENTIAL_CACHE_MAX_AGE_MS);
    expect(bus.isLive()).toBe(false);
    expect(cache.stats().bypasses).toBeGreaterThan(0);

    redis.kill('SIGCONT');
    expect(await until(() => bus.isLive(), 10_000)).toBe(true);
    const second = await s.sessions.start(record.id, record.credentialVersion);
    const token2 = await s.accessTokens.issue({ userId: record.id, sessionId: second.sessionId, roles: [] });
    expect(await outcome(nodeB, token2)).toBe('ok');
    const hits = cache.stats().hits;
    expect(await outcome(nodeB, token2)).toBe('ok');
    expect(cache.stats().hits).toBe(hits + 1);
  }, 30_000);
});
