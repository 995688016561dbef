/**
 * The synchronous cached path of @strongroom/node-core's authenticator (`authenticateFast`) and the verifier and
 * session confirmations that authenticators of one Strongroom share, against a real Strongroom over TLS: the cache answers at once only what
 * the asynchronous path would answer, and the fail-closed rules hold on both paths (the revocation window, 0 =
 * every request asks, an unreachable Strongroom refuses tokens it has not confirmed within the window).
 */
import {
  type AuthResult,
  createStrongroomAuthenticator,
  type StrongroomAuthOptions,
} from '@strongroom/node-core';
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
const isPromise = (value: AuthResult | Promise<AuthResult>): value is Promise<AuthResult> =>
  value instanceof Promise;

function authenticator(fixture: StrongroomFixture, extra: Partial<StrongroomAuthOptions> = {}) {
  return createStrongroomAuthenticator({
    url: fixture.url,
    ca: fixture.ca,
    introspectionKey: fixture.introspectionKey,
    ...extra,
  });
}

describe('authenticateFast', () => {
  it('answers at once for a token verified before whose session was confirmed within the window', async () => {
    const auth = authenticator(strongroom, { revocationCheckSeconds: 5 });
    const user = await strongroom.login();
    const first = auth.authenticateFast(request(user.token));
    expect(isPromise(first)).toBe(true);
    expect(await first).toMatchObject({ ok: true, identity: { userId: user.userId } });
    const second = auth.authenticateFast(request(user.token));
    expect(isPromise(second)).toBe(false);
    expect(second).toEqual(await first);
    // No token: refused at once, as before any token work.
    expect(auth.authenticateFast({ url: '/orders', headers: {} })).toMatchObject({
      ok: false,
      refusal: { status: 401, code: 'AUTHENTICATION_REQUIRED' },
    });
    auth.close();
  });

  it('asks Strongroom on every request with revocationCheckSeconds 0, and sees a logout at once', async () => {
    const auth = authenticator(strongroom, { revocationCheckSeconds: 0 });
    const user = await strongroom.login();
    expect(await auth.authenticateFast(request(user.token))).toMatchObject({ ok: true });
    const again = auth.authenticateFast(request(user.token));
    expect(isPromise(again)).toBe(true);
    expect(await again).toMatchObject({ ok: true });
    await strongroom.logout(user.token);
    const afterLogout = auth.authenticateFast(request(user.token));
    expect(isPromise(afterLogout)).toBe(true);
    expect(await afterLogout).toMatchObject({ ok: false, refusal: { status: 401, code: 'INVALID_TOKEN' } });
    // Refused for good: from now on at once, and still refused.
    expect(auth.authenticateFast(request(user.token))).toMatchObject({ ok: false, refusal: { status: 401 } });
    auth.close();
  });

  it('asks again once the window has passed, and refuses a logged-out session then', async () => {
    const auth = authenticator(strongroom, { revocationCheckSeconds: 1 });
    const user = await strongroom.login();
    expect(await auth.authenticateFast(request(user.token))).toMatchObject({ ok: true });
    await strongroom.logout(user.token);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    const late = auth.authenticateFast(request(user.token));
    expect(isPromise(late)).toBe(true);
    expect(await late).toMatchObject({ ok: false, refusal: { code: 'INVALID_TOKEN' } });
    auth.close();
  });

  it('fails closed when Strongroom is unreachable, on the cached path as on the other', async () => {
    const own = await startStrongroom();
    const auth = authenticator(own, { revocationCheckSeconds: 2 });
    const confirmed = await own.login();
    const unseen = await own.login();
    expect(await auth.authenticateFast(request(confirmed.token))).toMatchObject({ ok: true });
    await own.close();
    expect(auth.authenticateFast(request(confirmed.token))).toMatchObject({ ok: true });
    expect(await auth.authenticateFast(request(unseen.token))).toMatchObject({
      ok: false,
      refusal: { status: 503, code: 'DEPENDENCY_UNAVAILABLE' },
    });
    await new Promise((resolve) => setTimeout(resolve, 2050));
    const expired = auth.authenticateFast(request(confirmed.token));
    expect(isPromise(expired)).toBe(true);
    expect(await expired).toMatchObject({ ok: false, refusal: { status: 503 } });
    auth.close();
  });
});

describe('authenticators of one Strongroom', () => {
  it('share the verified token, the keys and the session confirmations: a second one asks Strongroom nothing', async () => {
    const own = await startStrongroom();
    const errors: unknown[] = [];
    const users = authenticator(own, { revocationCheckSeconds: 30 });
    const admins = authenticator(own, {
      revocationCheckSeconds: 30,
      roles: ['admin'],
      onError: (error: unknown) => errors.push(error),
    });
    const user = await own.login();
    expect(await users.authenticate(request(user.token))).toMatchObject({ ok: true });
    await own.close();
    // Strongroom is gone: `admins` still verifies the token (the shared verifier has it) and finds the session
    // confirmed (the same Strongroom, asked with the same key, within the window), so it decides on its own
    // `roles` without a call: the user is not an admin.
    expect(admins.authenticateFast(request(user.token))).toMatchObject({
      ok: false,
      refusal: { status: 403, code: 'FORBIDDEN' },
    });
    expect(errors).toEqual([]);
    // Another window is another cache: that authenticator has confirmed nothing, and fails closed.
    const strict = authenticator(own, { revocationCheckSeconds: 10, onError: (error) => errors.push(error) });
    expect(await strict.authenticate(request(user.token))).toMatchObject({
      ok: false,
      refusal: { status: 503, code: 'DEPENDENCY_UNAVAILABLE' },
    });
    expect(errors.map((error) => (error as Error).name)).toEqual(['IntrospectionUnavailableError']);
    strict.close();
    // A token the shared verifier never saw needs the keys, which cannot be fetched now.
    const separate = authenticator(own, { revocationCheckSeconds: 30, audience: 'other-api' });
    expect(await separate.authenticate(request(user.token))).toMatchObject({
      ok: false,
      refusal: { status: 503 },
    });
    for (const auth of [users, admins, separate]) auth.close();
  });
});
