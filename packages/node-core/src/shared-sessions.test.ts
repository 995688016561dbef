import { randomInt } from 'node:crypto';
import { BASE62_ALPHABET, OPAQUE_TOKEN_BODY_LENGTH, opaqueTokenChecksum } from '@strongroom/redact';
import { describe, expect, it } from 'vitest';
import { resolveAuthOptions, type StrongroomAuthOptions } from './auth-options.js';
import type { IntrospectionAnswer } from './introspection-client.js';
import {
  acquireSessionChecker,
  type IntrospectionConnector,
  sessionCacheKey,
  sharedSessionCheckerCount,
} from './shared-sessions.js';

function apiKey(): string {
  const head = `srk_${Array.from({ length: OPAQUE_TOKEN_BODY_LENGTH }, () => BASE62_ALPHABET[randomInt(62)]).join('')}`;
  return head + opaqueTokenChecksum(head);
}

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = apiKey();
const options = (overrides: Partial<StrongroomAuthOptions> = {}) =>
  resolveAuthOptions({
    url: 'https://strongroom.internal:8443',
    introspectionKey: KEY,
    ca: CA,
    ...overrides,
  });
const claims = { sub: 'user-1', sid: 'session-1' };

/** A Strongroom that answers every question "active" and counts the questions and the connections. */
function fakeStrongroom() {
  const seen = { questions: 0, connections: 0, closed: 0, keys: [] as string[] };
  const connect: IntrospectionConnector = (resolved) => {
    seen.connections++;
    seen.keys.push(resolved.introspectionKey);
    return {
      async introspect(): Promise<IntrospectionAnswer> {
        seen.questions++;
        return { active: true, sub: claims.sub, sid: claims.sid, roles: ['user'] };
      },
      close: () => {
        seen.closed++;
      },
    };
  };
  return { seen, connect };
}

describe('acquireSessionChecker', () => {
  it('shares confirmations among authenticators of one Strongroom and key: one introspection for both', async () => {
    const strongroom = fakeStrongroom();
    const before = sharedSessionCheckerCount();
    const users = acquireSessionChecker(options(), false, strongroom.connect);
    // Other roles, another audience, a CA given as a Buffer: the same Strongroom asked with the same key.
    const admins = acquireSessionChecker(
      options({ roles: ['admin'], audience: 'billing-api', ca: Buffer.from(CA) }),
      false,
      strongroom.connect,
    );
    expect(admins.checker).toBe(users.checker);
    expect(sharedSessionCheckerCount()).toBe(before + 1);
    expect(await users.checker.check('token-a', claims, 'digest-a')).toEqual({ ok: true, roles: ['user'] });
    expect(admins.checker.checkCached('digest-a', claims)).toEqual({ ok: true, roles: ['user'] });
    expect(await admins.checker.check('token-a', claims, 'digest-a')).toEqual({ ok: true, roles: ['user'] });
    expect(strongroom.seen).toMatchObject({ questions: 1, connections: 1 });
    users.release();
    users.release();
    expect(strongroom.seen.closed).toBe(0);
    admins.release();
    expect(strongroom.seen.closed).toBe(1);
    expect(sharedSessionCheckerCount()).toBe(before);
  });

  it.each<[string, Partial<StrongroomAuthOptions>]>([
    ['Strongroom', { url: 'https://other.internal:8443' }],
    ['CA', { ca: CA.replace('MIIB', 'MIIC') }],
    ['introspection key', { introspectionKey: apiKey() }],
    ['revocation window', { revocationCheckSeconds: 30 }],
  ])('never shares a confirmation with another %s', async (_name, overrides) => {
    const strongroom = fakeStrongroom();
    const one = acquireSessionChecker(options(), false, strongroom.connect);
    const other = acquireSessionChecker(options(overrides), false, strongroom.connect);
    expect(other.checker).not.toBe(one.checker);
    await one.checker.check('token-a', claims, 'digest-a');
    expect(other.checker.checkCached('digest-a', claims)).toBeUndefined();
    await other.checker.check('token-a', claims, 'digest-a');
    expect(strongroom.seen).toMatchObject({ questions: 2, connections: 2 });
    one.release();
    other.release();
  });

  it('keys the cache with a digest of the introspection key, never the key itself', () => {
    const key = sessionCacheKey(options());
    expect(key).not.toContain(KEY);
    expect(key).not.toContain(KEY.slice(4, 24));
    expect(sessionCacheKey(options({ introspectionKey: apiKey() }))).not.toBe(key);
  });

  it('never shares the checker of an authenticator with its own clock', () => {
    const strongroom = fakeStrongroom();
    const shared = acquireSessionChecker(options(), false, strongroom.connect);
    const clocked = acquireSessionChecker(options({ clock: () => 0 }), true, strongroom.connect);
    expect(clocked.checker).not.toBe(shared.checker);
    shared.release();
    clocked.release();
    expect(strongroom.seen.closed).toBe(2);
  });

  it('tells each caller, not only the first, that Strongroom could not be asked', async () => {
    const failing: IntrospectionConnector = () => ({
      introspect: async () => {
        throw new Error('unreachable');
      },
      close: () => undefined,
    });
    const first = acquireSessionChecker(options({ url: 'https://down.internal' }), false, failing);
    const second = acquireSessionChecker(options({ url: 'https://down.internal' }), false, failing);
    const told: string[] = [];
    const verdicts = await Promise.all([
      first.checker.check('token-a', claims, 'digest-a', () => told.push('first')),
      second.checker.check('token-a', claims, 'digest-a', () => told.push('second')),
    ]);
    expect(verdicts).toEqual([
      { ok: false, code: 'DEPENDENCY_UNAVAILABLE' },
      { ok: false, code: 'DEPENDENCY_UNAVAILABLE' },
    ]);
    expect(told.sort()).toEqual(['first', 'second']);
    first.release();
    second.release();
  });
});
