/**
 * Review (issue 12, item 2): a node whose Redis subscription still looks up while Redis no longer answers (the
 * server frozen: no close, no error, so the bus stays "live") hears of no revocation. What bounds how long it
 * serves a revoked session from memory is the cache's entry age (CREDENTIAL_CACHE_MAX_AGE_MS): the revoked
 * session must be refused within that bound (plus the scheduling slack of a loaded machine), with Redis still
 * frozen. Own redis-server process (SIGSTOP/SIGCONT), real SQLite storage shared by the two "nodes".
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

  it('refuses a session revoked meanwhile within the entry age bound', async () => {
    const cache = createCredentialCache({ bus, clock: Date.now, maxEntries: 100 });
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
    // The logout commits on A; its message to B cannot get through (and B does not know it missed one).
    const revokedAt = Date.now();
    await s.sessions.revoke(started.sessionId, 'logout');
    expect(bus.isLive()).toBe(true);
    expect(await until(async () => (await outcome(nodeB, token)) === 'INVALID_TOKEN', 10_000)).toBe(true);
    expect(Date.now() - revokedAt).toBeLessThan(CREDENTIAL_CACHE_MAX_AGE_MS + SLACK_MS);
    redis.kill('SIGCONT');
  }, 30_000);
});
