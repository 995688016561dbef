/**
 * Guarantee (issue 13, finding 1 class): introspecting a logged-out session and a session that never existed do
 * the same work, counted in storage reads rather than timed: the node remembers a session id the database does
 * not know (a negative entry) as it remembers a found row, so after the first read of each neither reads storage
 * while its entry is fresh. The negative entries follow the rows' rules: bounded in count, never older than the
 * age bound, not stored when a change was published during the read, and dropped by a change naming the session
 * and by every `all` drop (a resubscribed channel), so a session is never refused on the strength of an old miss.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCredentialCache } from '../../src/auth/index.js';
import type { Invalidation } from '../../src/state/index.js';
import type { SessionRecord, UserRecord } from '../../src/storage/index.js';
import { createTestApp, createTestClock, loggedInUser, type TestApp } from '../helpers/test-app.js';

describe('introspecting a logged-out session and a never-existing one read storage alike', () => {
  const clock = createTestClock();
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof loggedInUser>>;
  let loggedOut = '';
  let neverExisted = '';

  beforeAll(async () => {
    t = await createTestApp({ clock });
    admin = await loggedInUser(t, ['admin']);
    const user = await loggedInUser(t);
    loggedOut = user.tokens.access_token;
    const out = await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: user.headers });
    expect(out.statusCode).toBe(204);
    // Signed with the server's own key: only the session id (random, never issued) makes it inactive.
    const { kid, privateKey } = t.services.keyring.current();
    neverExisted = await new SignJWT({ ...decodeJwt(loggedOut), sid: randomUUID(), jti: randomUUID() })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
      .sign(privateKey);
  }, 60_000);
  afterAll(() => t?.close());

  /** Introspects `token` as the admin (inactive either way) and counts its session's reads (not the admin's). */
  async function readsOf(token: string): Promise<number> {
    const { sid } = decodeJwt(token);
    const spy = vi.spyOn(t.services.stores.sessions, 'findSessionWithUser');
    try {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/introspect',
        headers: admin.headers,
        payload: { token },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ active: false });
      return spy.mock.calls.filter(([id]) => id === sid).length;
    } finally {
      spy.mockRestore();
    }
  }

  it('reads once on the first ask of each, then never while the entries are fresh', async () => {
    expect(t.services.revocations.isLive()).toBe(true);
    const first = { loggedOut: await readsOf(loggedOut), neverExisted: await readsOf(neverExisted) };
    expect(first).toEqual({ loggedOut: 1, neverExisted: 1 });
    for (let i = 0; i < 3; i++) {
      expect({ loggedOut: await readsOf(loggedOut), neverExisted: await readsOf(neverExisted) }).toEqual({
        loggedOut: 0,
        neverExisted: 0,
      });
    }
  });
});

describe('negative entries of the credential cache', () => {
  const user = {
    id: 'u1',
    username: 'alice',
    roles: ['user'],
    disabled: false,
    credentialVersion: 1,
    subject: null,
  } as UserRecord;
  const row = (id: string) => ({ session: { id, userId: 'u1' } as SessionRecord, user });

  function setup(maxEntries = 10) {
    let now = 0;
    let live = true;
    const listeners: Array<(change: Invalidation) => void> = [];
    const publish = (change: Invalidation) => {
      for (const listener of listeners) listener(change);
    };
    const cache = createCredentialCache({
      bus: { isLive: () => live, subscribe: (listener) => (listeners.push(listener), () => undefined) },
      monotonicClock: () => now,
      maxEntries,
      maxAgeMs: 1_000,
    });
    const reads: string[] = [];
    const db = new Map<string, ReturnType<typeof row>>();
    const lookup = (id: string) =>
      cache.session(id, async () => {
        reads.push(id);
        return db.get(id) ?? null;
      });
    return {
      cache,
      db,
      reads,
      lookup,
      publish,
      advance: (ms: number) => {
        now += ms;
      },
      setLive: (value: boolean) => {
        live = value;
      },
    };
  }

  it('answers a known-absent session from memory until the age bound', async () => {
    const s = setup();
    expect(await s.lookup('gone')).toBeNull();
    expect(await s.lookup('gone')).toBeNull();
    expect(s.reads).toEqual(['gone']);
    s.advance(1_000);
    expect(await s.lookup('gone')).toBeNull();
    expect(s.reads).toEqual(['gone', 'gone']);
  });

  it('an `all` drop or a change naming the session forgets the miss: a session created since is found', async () => {
    const s = setup();
    expect(await s.lookup('late')).toBeNull();
    s.db.set('late', row('late'));
    s.publish({ all: true });
    expect((await s.lookup('late'))?.session.id).toBe('late');
    s.db.delete('late');
    s.publish({ sessionIds: ['late'] });
    expect(await s.lookup('late')).toBeNull();
    s.db.set('late', row('late'));
    s.publish({ sessionIds: ['late'] });
    expect((await s.lookup('late'))?.session.id).toBe('late');
  });

  it('stores no miss read across a change, nor while the channel is down', async () => {
    const s = setup();
    await s.cache.session('raced', async () => {
      s.publish({ sessionIds: ['other'] });
      return null;
    });
    expect(await s.lookup('raced')).toBeNull();
    expect(s.reads).toEqual(['raced']);
    s.setLive(false);
    expect(await s.lookup('down')).toBeNull();
    s.setLive(true);
    expect(await s.lookup('down')).toBeNull();
    expect(s.reads).toEqual(['raced', 'down', 'down']);
  });

  it('keeps at most maxEntries misses (the oldest go first)', async () => {
    const s = setup(3);
    for (const id of ['a', 'b', 'c', 'd']) await s.lookup(id);
    expect(s.cache.stats().size).toBe(3);
    await s.lookup('a');
    await s.lookup('d');
    expect(s.reads).toEqual(['a', 'b', 'c', 'd', 'a']);
  });
});
