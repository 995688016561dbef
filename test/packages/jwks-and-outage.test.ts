/**
 * @strongroom/node-core's authenticator against a real Strongroom server: signing-key rotation (an unknown kid
 * makes it fetch the JWKS again, once the cooldown has passed; tokens of the retired key still verify), a pinned
 * CA (another CA is refused), and failing closed when Strongroom cannot be reached.
 */
import { createStrongroomAuthenticator } from '@strongroom/node-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StrongroomFixture, startStrongroom } from './strongroom-fixture.js';

let strongroom: StrongroomFixture;

beforeAll(async () => {
  strongroom = await startStrongroom();
});

afterAll(async () => {
  await strongroom.close();
});

const request = (token: string) => ({ url: '/orders', headers: { authorization: `Bearer ${token}` } });

describe('createStrongroomAuthenticator against a real Strongroom', () => {
  it('follows a signing-key rotation: a new kid is fetched after the cooldown, the retired key still verifies', async () => {
    const auth = createStrongroomAuthenticator({
      url: strongroom.url,
      ca: strongroom.ca,
      introspectionKey: strongroom.introspectionKey,
      jwksCooldownSeconds: 1,
    });
    const before = await strongroom.login();
    expect(await auth.authenticate(request(before.token))).toMatchObject({ ok: true });
    await strongroom.t.services.keyring.rotate();
    const after = await strongroom.login();
    expect(after.token.split('.')[0]).not.toBe(before.token.split('.')[0]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await auth.authenticate(request(after.token))).toMatchObject({
      ok: true,
      identity: { userId: after.userId },
    });
    auth.close();
    const fresh = createStrongroomAuthenticator({
      url: strongroom.url,
      ca: strongroom.ca,
      introspectionKey: strongroom.introspectionKey,
    });
    expect(await fresh.authenticate(request(before.token))).toMatchObject({ ok: true });
    fresh.close();
  });

  it('trusts only the pinned CA', async () => {
    const user = await strongroom.login();
    const unpinned = createStrongroomAuthenticator({
      url: strongroom.url,
      introspectionKey: strongroom.introspectionKey,
    });
    // Node's own store does not hold the development CA: the keys cannot be fetched, so nothing is accepted.
    expect(await unpinned.authenticate(request(user.token))).toMatchObject({
      ok: false,
      refusal: { status: 503, code: 'DEPENDENCY_UNAVAILABLE' },
    });
    unpinned.close();
  });

  it('fails closed when Strongroom is unreachable, except for sessions it confirmed within the window', async () => {
    const own = await startStrongroom();
    const errors: unknown[] = [];
    const auth = createStrongroomAuthenticator({
      url: own.url,
      ca: own.ca,
      introspectionKey: own.introspectionKey,
      revocationCheckSeconds: 30,
      onError: (error) => errors.push(error),
    });
    const confirmed = await own.login();
    const unseen = await own.login();
    expect(await auth.authenticate(request(confirmed.token))).toMatchObject({ ok: true });
    // The JWKS is cached now; only introspection needs Strongroom from here on.
    expect(await auth.authenticate(request(unseen.token))).toMatchObject({ ok: true });
    const third = await own.login();
    await own.close();
    expect(await auth.authenticate(request(confirmed.token))).toMatchObject({ ok: true });
    expect(await auth.authenticate(request(third.token))).toMatchObject({
      ok: false,
      refusal: { status: 503, code: 'DEPENDENCY_UNAVAILABLE' },
    });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map(String).join('\n')).not.toContain(third.token);
    auth.close();
  });
});
