/**
 * The credential cache never authorizes what the database no longer would. For random interleavings of credential
 * changes (logout, refresh-token reuse, password change, disable and enable, role change, deletion, API key
 * creation and revocation, time passing beyond session and key expiry) and requests, every request is answered
 * exactly as an authenticator with no cache answers it, reading the database at that moment:
 * - on one node (the app itself, in-process invalidation);
 * - on a second node sharing the database, told through real Redis pub/sub, whose subscriber connection is killed
 *   at random moments (`CLIENT KILL` on its own connection name): while it is down the node reads the database,
 *   after it is back its cache starts empty. A change counts as delivered once a marker published after it arrives
 *   (Redis keeps one publisher's order), or the subscription is found lost.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Authenticator, createAuthenticator, createCredentialCache } from '../../src/auth/index.js';
import { isAppError } from '../../src/errors.js';
import {
  createRedisInvalidationChannel,
  createRevocationBus,
  type RevocationBus,
} from '../../src/state/index.js';
import {
  createTestApp,
  createTestClock,
  strongPassword,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';

const REDIS_URL = process.env.STRONGROOM_REDIS_URL ?? null;
const USERS = 3;

type Op =
  | { kind: 'login'; user: number }
  | { kind: 'logout'; token: number }
  | { kind: 'reuse'; token: number }
  | { kind: 'password'; user: number; keep: number }
  | { kind: 'disable' | 'enable' | 'promote' | 'demote' | 'delete'; user: number }
  | { kind: 'mint'; token: number }
  | { kind: 'revokeKey'; key: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'request'; credential: number }
  | { kind: 'kill' | 'heal' };

const user = fc.nat(USERS - 1);
const index = fc.nat(15);
const opArbitrary = (withKill: boolean): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('login' as const), user }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('logout' as const), token: index }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reuse' as const), token: index }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('password' as const), user, keep: index }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constantFrom('disable' as const, 'enable' as const, 'promote' as const, 'demote' as const),
        user,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), user }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('mint' as const), token: index }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('revokeKey' as const), key: index }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1_000, 61_000) }),
    },
    { weight: 10, arbitrary: fc.record({ kind: fc.constant('request' as const), credential: fc.nat(31) }) },
    ...(withKill
      ? [
          { weight: 1, arbitrary: fc.constant({ kind: 'kill' as const }) },
          { weight: 1, arbitrary: fc.constant({ kind: 'heal' as const }) },
        ]
      : []),
  );

async function outcomeOf(auth: Authenticator, credential: string) {
  const headers = credential.startsWith('srk_')
    ? { authorization: undefined, apiKey: credential }
    : { authorization: `Bearer ${credential}`, apiKey: undefined };
  try {
    return { actor: await auth.authenticate(headers) };
  } catch (error) {
    if (isAppError(error)) return { code: error.code };
    throw error;
  }
}

/** Runs one sequence of operations against `t`; `nodes` are the authenticators whose answers must match the DB's. */
function createScenario(t: TestApp, clock: ReturnType<typeof createTestClock>) {
  const s = t.services;
  const oracle = createAuthenticator({
    accessTokens: s.accessTokens,
    apiKeys: s.apiKeys,
    sessions: s.stores.sessions,
    users: s.stores.users,
    clock,
  });
  let passwordHash: string | undefined;
  return {
    oracle,
    async run(
      ops: Op[],
      nodes: Authenticator[],
      hooks: {
        afterChange?: () => Promise<void>;
        kill?: () => Promise<void>;
        heal?: () => Promise<void>;
      } = {},
    ) {
      const users: Array<string | null> = [];
      // One imported hash for every user: creating them costs no argon2id run.
      passwordHash ??= await s.hasher.hash(strongPassword());
      for (let i = 0; i < USERS; i++) {
        const name = `p${randomBytes(5).toString('hex')}`;
        users.push((await s.users.create({ username: name, passwordHash, roles: ['user'] })).id);
      }
      const deleted = new Set<string>();
      const sessions: Array<{ userId: string; sessionId: string; token: string; refresh: string }> = [];
      const keys: Array<{ userId: string; id: string; key: string }> = [];
      const byAdmin = { bySession: true };
      const ignoreRefusal = (error: unknown) => {
        if (!isAppError(error)) throw error;
      };
      for (const op of ops) {
        const target = 'user' in op ? users[op.user] : undefined;
        const session = 'token' in op ? sessions[op.token % Math.max(1, sessions.length)] : undefined;
        switch (op.kind) {
          case 'login': {
            const record = target == null ? null : await s.stores.users.findById(target);
            if (record === null) break;
            const started = await s.sessions.start(record.id, record.credentialVersion);
            const token = await s.accessTokens.issue({
              userId: record.id,
              sessionId: started.sessionId,
              roles: [],
            });
            sessions.push({ userId: record.id, ...started, token, refresh: started.refreshToken });
            break;
          }
          case 'logout':
            if (session !== undefined) await s.sessions.revoke(session.sessionId, 'logout');
            break;
          case 'reuse':
            if (session !== undefined) {
              const next = await s.sessions.refresh(session.refresh);
              await s.sessions.refresh(session.refresh);
              if (next.ok) session.refresh = next.refreshToken;
            }
            break;
          case 'password': {
            const record = target == null ? null : await s.stores.users.findById(target);
            const keep = sessions.filter((x) => x.userId === target)[op.keep % 4]?.sessionId;
            if (record !== null)
              await s.users.setPassword(record, strongPassword(), keep).catch(ignoreRefusal);
            break;
          }
          case 'disable':
          case 'enable':
            if (target != null)
              await s.users.update(target, { disabled: op.kind === 'disable' }, byAdmin).catch(ignoreRefusal);
            break;
          case 'promote':
          case 'demote': {
            const roles = op.kind === 'promote' ? ['user', 'admin'] : ['user'];
            if (target != null) await s.users.update(target, { roles }, byAdmin).catch(ignoreRefusal);
            break;
          }
          case 'delete':
            if (target != null) {
              await s.users.delete(target, byAdmin).catch(ignoreRefusal);
              deleted.add(target);
              users[op.user] = null;
            }
            break;
          case 'mint':
            // Minting needs an authenticated caller: never for a user deleted already.
            if (session !== undefined && !deleted.has(session.userId)) {
              const minted = await s.apiKeys
                .create(session.userId, session.sessionId, { name: 'p' })
                .catch((error: unknown) => {
                  ignoreRefusal(error);
                  return null;
                });
              if (minted !== null) keys.push({ userId: session.userId, id: minted.id, key: minted.key });
            }
            break;
          case 'revokeKey': {
            const key = keys[op.key % Math.max(1, keys.length)];
            if (key !== undefined) await s.apiKeys.revoke(key.userId, key.id).catch(ignoreRefusal);
            break;
          }
          case 'advance':
            clock.advance(op.ms);
            break;
          case 'kill':
            await hooks.kill?.();
            break;
          case 'heal':
            await hooks.heal?.();
            break;
          case 'request': {
            const all = [...sessions.map((x) => x.token), ...keys.map((k) => k.key)];
            const credential = all[op.credential % Math.max(1, all.length)];
            if (credential === undefined) break;
            for (const node of nodes) {
              const answered = await outcomeOf(node, credential);
              expect(answered).toEqual(await outcomeOf(oracle, credential));
            }
            break;
          }
        }
        if (!['request', 'kill', 'heal', 'advance'].includes(op.kind)) await hooks.afterChange?.();
      }
    },
  };
}

describe.each([
  { database: 'sqlite' as const, runs: 15 },
  { database: 'postgres' as const, runs: 8 },
])('the credential cache answers as the database does ($database)', ({ database, runs }) => {
  const clock = createTestClock();
  let t: TestApp;
  const skip = database === 'postgres' && TEST_DATABASE_URL === null;
  beforeAll(async () => {
    if (skip) return;
    t = await createTestApp({ clock, database, flags: { refreshTokenTtl: '300', accessTokenTtl: '120' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.skipIf(skip)(
    'on one node, for random interleavings of changes and requests',
    async () => {
      // PostgreSQL without Redis: the node listens (LISTEN/NOTIFY) before it answers from memory.
      await expect.poll(() => t.services.revocations.isLive(), { timeout: 5000 }).toBe(true);
      const scenario = createScenario(t, clock);
      await fc.assert(
        fc.asyncProperty(fc.array(opArbitrary(false), { minLength: 10, maxLength: 40 }), async (ops) => {
          await scenario.run(ops, [t.services.authenticator]);
        }),
        { numRuns: runs },
      );
      // A fixed run on top, so that "answered from memory" does not hang on how many repeats the random runs drew.
      const repeats = Array.from({ length: 12 }, () => ({ kind: 'request' as const, credential: 0 }));
      await scenario.run([{ kind: 'login', user: 0 }, ...repeats], [t.services.authenticator]);
      const stats = t.services.credentialCache.stats();
      // The property would hold trivially with no cache at all: it must have answered from memory, often.
      expect(stats.hits).toBeGreaterThan(10);
      expect(stats.bypasses).toBe(0);
    },
    240_000,
  );
});

describe.skipIf(REDIS_URL === null)('a second node told through Redis, whose subscription drops', () => {
  const clock = createTestClock();
  const prefix = `strongroom-test-${randomBytes(4).toString('hex')}:`;
  let t: TestApp;
  let bus: RevocationBus;
  let admin: Redis;
  beforeAll(async () => {
    const flags = {
      refreshTokenTtl: '300',
      accessTokenTtl: '120',
      redisUrl: REDIS_URL ?? '',
      redisKeyPrefix: prefix,
    };
    t = await createTestApp({ clock, flags });
    admin = new Redis(REDIS_URL ?? '');
    bus = createRevocationBus({
      channel: createRedisInvalidationChannel({ url: REDIS_URL ?? '', prefix, commandTimeoutMs: 1000 }),
      retryForMs: 5000,
    });
  });
  afterAll(async () => {
    await bus.close();
    admin.disconnect();
    await t.close();
  });

  it('answers every request as the database does, before and after its channel is killed', async () => {
    const cache = createCredentialCache({ bus, monotonicClock: clock, maxEntries: 1000 });
    const nodeB = createAuthenticator({
      accessTokens: t.services.accessTokens,
      apiKeys: t.services.apiKeys,
      sessions: t.services.stores.sessions,
      users: t.services.stores.users,
      clock,
      cache,
    });
    let marker = 0;
    const until = async (condition: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 1));
      return condition();
    };
    const seen = new Set<string>();
    bus.subscribe((change) => {
      for (const id of change.sessionIds ?? []) if (id.startsWith('marker-')) seen.add(id);
    });
    const hooks = {
      // Delivered once the marker sent after the change arrives, or the node knows it may have missed it.
      afterChange: async () => {
        const id = `marker-${marker++}`;
        await t.services.revocations.publish({ sessionIds: [id] });
        expect(await until(() => seen.has(id) || !bus.isLive(), 1000)).toBe(true);
      },
      kill: async () => {
        const list = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
        const line = list.split('\n').find((l) => l.includes(` name=${bus.connectionName} `));
        const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1];
        if (id !== undefined) await admin.call('CLIENT', 'KILL', 'ID', id);
        await until(() => !bus.isLive(), 1000);
      },
      // Subscribed again (its cache emptied first): the next requests fill it anew.
      heal: async () => {
        await until(() => bus.isLive(), 3000);
      },
    };
    await until(() => bus.isLive() && t.services.revocations.isLive(), 5000);
    const scenario = createScenario(t, clock);
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary(true), { minLength: 10, maxLength: 40 }), async (ops) => {
        await scenario.run(ops, [nodeB], hooks);
      }),
      { numRuns: 12 },
    );
    const stats = cache.stats();
    expect(stats.hits).toBeGreaterThan(0);
    // Requests did reach the database while the subscription was down.
    expect(stats.bypasses).toBeGreaterThan(0);
  }, 240_000);
});
