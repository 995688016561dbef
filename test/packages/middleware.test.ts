/**
 * The Fastify and Express middleware against a real Strongroom server over TLS, in real applications over TLS:
 * authentication, revocation within the window (and at once with 0), refused forgeries, credentials and secrets
 * in URLs and cookies, the safety headers, and logs that hold none of the secrets sent to the applications.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strongPassword } from '../helpers/test-app.js';
import { foreignToken, unsignedCopy } from './forged-tokens.js';
import { call, type RunningApp, startExpressApp, startFastifyApp } from './middleware-apps.js';
import { type StrongroomFixture, startStrongroom } from './strongroom-fixture.js';

const WINDOW_SECONDS = 1;
let strongroom: StrongroomFixture;

beforeAll(async () => {
  strongroom = await startStrongroom();
});

afterAll(async () => {
  await strongroom.close();
});

const STARTERS = [
  ['fastify', startFastifyApp],
  ['express', startExpressApp],
] as const;

describe.each(STARTERS)('a %s application behind strongroomSafety and strongroomAuth', (_name, start) => {
  let app: RunningApp;
  let instant: RunningApp;
  let late: RunningApp;

  beforeAll(async () => {
    const auth = { url: strongroom.url, ca: strongroom.ca, introspectionKey: strongroom.introspectionKey };
    const tls = strongroom.tls;
    app = await start({
      auth: { ...auth, revocationCheckSeconds: WINDOW_SECONDS },
      tls,
      trustProxy: '127.0.0.1',
    });
    instant = await start({ auth: { ...auth, revocationCheckSeconds: 0 }, tls });
    // Its clock is an hour ahead: every token Strongroom issues now has expired for it.
    late = await start({ auth: { ...auth, clock: () => Date.now() + 3_600_000 }, tls });
  });

  afterAll(async () => {
    await Promise.all([app.close(), instant.close(), late.close()]);
  });

  const get = (target: RunningApp, path: string, headers: Record<string, string> = {}) =>
    call(target.port, strongroom.ca, { path, headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('asks for a token (401 AUTHENTICATION_REQUIRED, in Strongroom’s error shape)', async () => {
    const reply = await get(app, '/me');
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({
      error: {
        code: 'AUTHENTICATION_REQUIRED',
        message: 'Authentication is required',
        request_id: expect.any(String),
      },
    });
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('serves a valid token with the user on the request, and the safety headers', async () => {
    const user = await strongroom.login();
    const reply = await get(app, '/me', bearer(user.token));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ userId: user.userId, sessionId: expect.any(String), roles: ['user'] });
    expect(reply.headers).toMatchObject({
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect(reply.headers['x-powered-by']).toBeUndefined();
    const open = await get(app, '/public');
    expect(open.status).toBe(200);
    expect(open.headers['strict-transport-security']).toBeDefined();
    expect(open.headers['cache-control']).not.toBe('no-store');
  });

  it('keeps Cache-Control: no-store on refusals and on the answer of a route that throws', async () => {
    const user = await strongroom.login();
    const refusals = [
      await get(app, '/me'),
      await get(app, '/me', bearer(unsignedCopy(user.token))),
      await get(app, '/admin', bearer(user.token)),
      await get(app, '/me?password=x', bearer(user.token)),
    ];
    expect(refusals.map((reply) => reply.status)).toEqual([401, 401, 403, 400]);
    for (const reply of refusals) expect(reply.headers['cache-control']).toBe('no-store');
    const thrown = await get(app, '/boom', bearer(user.token));
    expect(thrown.status).toBe(500);
    expect(thrown.headers['cache-control']).toBe('no-store');
    expect(thrown.headers['strict-transport-security']).toBeDefined();
  });

  it('restricts a route to roles (403 FORBIDDEN), by the roles Strongroom holds now', async () => {
    const user = await strongroom.login();
    expect((await get(app, '/admin', bearer(user.token))).body).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    const admin = await strongroom.login(['admin']);
    const reply = await get(app, '/admin', bearer(admin.token));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ admin: admin.userId });
  });

  it(`refuses a logged-out session within the window (${WINDOW_SECONDS} s)`, async () => {
    const user = await strongroom.login();
    expect((await get(app, '/me', bearer(user.token))).status).toBe(200);
    await strongroom.logout(user.token);
    const loggedOutAt = performance.now();
    let reply = await get(app, '/me', bearer(user.token));
    while (reply.status === 200 && performance.now() - loggedOutAt < WINDOW_SECONDS * 1000 + 1000) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      reply = await get(app, '/me', bearer(user.token));
    }
    expect(performance.now() - loggedOutAt).toBeLessThan(WINDOW_SECONDS * 1000 + 250);
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: { code: 'INVALID_TOKEN' } });
  });

  it('refuses a logged-out session at once with revocationCheckSeconds 0', async () => {
    const user = await strongroom.login();
    expect((await get(instant, '/me', bearer(user.token))).status).toBe(200);
    await strongroom.logout(user.token);
    expect((await get(instant, '/me', bearer(user.token))).body).toMatchObject({
      error: { code: 'INVALID_TOKEN' },
    });
  });

  it('refuses a session that must change its password (403 PASSWORD_CHANGE_REQUIRED), from the token alone', async () => {
    const introspections = async () =>
      (await strongroom.t.services.audit.query({ action: 'auth.introspect' }, 100_000)).events.length;
    const pending = await strongroom.loginPending();
    const asked = await introspections();
    // Strongroom itself answers the same to anything but the password change, /v1/me and logout.
    for (const target of [app, instant, app]) {
      const reply = await get(target, '/me', bearer(pending.token));
      expect(reply.status).toBe(403);
      expect(reply.body).toEqual({
        error: {
          code: 'PASSWORD_CHANGE_REQUIRED',
          message:
            'An administrator reset your password: change it (PUT /v1/me/password) before anything else',
          request_id: expect.any(String),
        },
      });
      expect(reply.headers['cache-control']).toBe('no-store');
    }
    // Decided from the verified token: Strongroom was not asked, not even with revocationCheckSeconds 0.
    expect(await introspections()).toBe(asked);

    // After the user's own change, a new login is served; the marked token stays refused until it expires.
    const password = strongPassword();
    await strongroom.changePassword(pending.token, pending.oneTimePassword, password);
    const token = await strongroom.loginAs(pending.username, password);
    for (const target of [app, instant]) {
      const reply = await get(target, '/me', bearer(token));
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ userId: pending.userId });
      expect((await get(target, '/me', bearer(pending.token))).status).toBe(403);
    }
  });

  it('refuses a token of another issuer, alg none and an expired token (401 INVALID_TOKEN)', async () => {
    const user = await strongroom.login();
    for (const forged of [await foreignToken(user.token), unsignedCopy(user.token)]) {
      const reply = await get(app, '/me', bearer(forged));
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ error: { code: 'INVALID_TOKEN' } });
    }
    expect((await get(late, '/me', bearer(user.token))).body).toMatchObject({
      error: { code: 'INVALID_TOKEN' },
    });
  });

  it('refuses a token in the query (400 SENSITIVE_DATA_IN_URL, as Strongroom does) or in a cookie (401)', async () => {
    const user = await strongroom.login();
    const inQuery = await get(app, `/me?access_token=${user.token}`);
    expect(inQuery.status).toBe(400);
    expect(inQuery.body).toMatchObject({
      error: { code: 'SENSITIVE_DATA_IN_URL', field: 'query:access_token' },
    });
    const inCookie = await get(app, '/me', { cookie: `token=${user.token}` });
    expect(inCookie.status).toBe(401);
    expect(inCookie.body).toMatchObject({ error: { code: 'INVALID_TOKEN', field: 'cookie' } });
  });

  it('refuses ?password=x on any route (400 SENSITIVE_DATA_IN_URL)', async () => {
    for (const path of ['/public?password=x', '/me?password=x']) {
      const reply = await get(app, path);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ error: { code: 'SENSITIVE_DATA_IN_URL', field: 'query:password' } });
    }
  });

  it('answers 426 to a request its trusted proxy received over plain http, and ignores the header from others', async () => {
    const proxied = await get(app, '/public', { 'x-forwarded-proto': 'http' });
    expect(proxied.status).toBe(426);
    expect(proxied.body).toMatchObject({ error: { code: 'HTTPS_REQUIRED' } });
    expect((await get(instant, '/public', { 'x-forwarded-proto': 'http' })).status).toBe(200);
  });

  it('keeps every secret sent to the application out of its logs', async () => {
    const user = await strongroom.login();
    const canaries = {
      token: user.token,
      password: `canary-${randomBytes(8).toString('hex')}`,
      urlPassword: `urlcanary${randomBytes(8).toString('hex')}`,
      card: '4111111111111111',
      email: `canary.${randomBytes(4).toString('hex')}@example.com`,
      apiKey: strongroom.introspectionKey,
    };
    const ordered = await call(app.port, strongroom.ca, {
      method: 'POST',
      path: '/orders',
      headers: { ...bearer(user.token), 'x-api-key': canaries.apiKey, cookie: `pref=${canaries.password}` },
      body: {
        password: canaries.password,
        card: canaries.card,
        contact: canaries.email,
        note: `card ${canaries.card}`,
      },
    });
    expect(ordered.status).toBe(200);
    expect((await get(app, `/me?password=${canaries.urlPassword}`, bearer(user.token))).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const logs = app.logs.join('\n');
    expect(logs).toContain('order received');
    for (const [name, canary] of Object.entries(canaries)) {
      expect(logs.includes(canary), `${name} leaked into the log`).toBe(false);
    }
  });
});
