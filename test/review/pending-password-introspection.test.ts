/**
 * Review (issue 10): a session started with an administrator's one-time password reaches only the password change,
 * /v1/me and logout on this server. Introspection promises "active exactly when the server itself would accept the
 * token"; before the fix it answered such a session `active: true` with the user's roles, so an application whose
 * middleware asks introspection served the one-time password's holder as the user. It must be `{"active": false}`
 * until the user's own password change, and active again for the session that change keeps. The refresh of such a
 * session stays gated too, and it cannot mint an API key; every registered route that refuses an anonymous caller
 * refuses such a session (an administrator's) with PASSWORD_CHANGE_REQUIRED, except the three it may use. On SQLite and (when STRONGROOM_DATABASE_URL is set)
 * PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../helpers/registered-routes.js';
import {
  createTestApp,
  createUser,
  login,
  strongPassword,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';

const databases = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(databases)('a pending password change and introspection (%s)', (database) => {
  let t: TestApp;
  let introspector: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp({ database });
    const account = await t.services.users.create({
      username: `svc${randomBytes(4).toString('hex')}`,
      roles: ['introspector'],
      service: true,
    });
    const minted = await t.services.serviceKeys.mint(
      account.id,
      { name: 'app' },
      { userId: account.id, mayHandleRoles: () => {} },
    );
    introspector = { 'x-api-key': minted.key };
  });
  afterAll(() => t?.close());

  async function introspect(token: string): Promise<Record<string, unknown>> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/introspect',
      headers: introspector,
      payload: { token },
    });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  it('a one-time password session is inactive to introspection until the user changes the password', async () => {
    const user = await createUser(t, ['user']);
    const { oneTimePassword } = await t.services.users.resetPassword(user.id, { bySession: true });
    const pending = await login(t, user.username, oneTimePassword);

    // The server itself refuses it beyond the three allowed routes...
    const keys = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer(pending.access_token),
      payload: { name: 'k' },
    });
    expect(keys.statusCode).toBe(403);
    expect(keys.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    // ...so introspection must not vouch for it.
    expect(await introspect(pending.access_token)).toEqual({ active: false });

    // A refreshed session is just as pending.
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: pending.refresh_token },
    });
    expect(refreshed.statusCode).toBe(200);
    const next = refreshed.json() as { access_token: string };
    expect(await introspect(next.access_token)).toEqual({ active: false });
    const records = await t.app.inject({
      method: 'GET',
      url: '/v1/collections',
      headers: bearer(next.access_token),
    });
    expect(records.statusCode).toBe(403);
    expect(records.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');

    // The user's own change clears the mark: the session it keeps is active again.
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: bearer(next.access_token),
      payload: { current_password: oneTimePassword, new_password: strongPassword() },
    });
    expect(changed.statusCode).toBe(204);
    const after = await introspect(next.access_token);
    expect(after.active).toBe(true);
    expect(after.sub).toBe(user.id);
  });

  it("every route but the password change, /v1/me and logout refuses an administrator's one-time password session", async () => {
    const admin = await createUser(t, ['admin']);
    const { oneTimePassword } = await t.services.users.resetPassword(admin.id, { bySession: true });
    const pending = bearer((await login(t, admin.username, oneTimePassword)).access_token);
    const allowed = new Set(['GET /v1/me', 'HEAD /v1/me', 'PUT /v1/me/password', 'POST /v1/auth/logout']);
    const gated: string[] = [];
    for (const { method, url } of registeredRoutes(t.app)) {
      if (allowed.has(`${method} ${url}`) || url.startsWith('/docs')) continue;
      const concrete = url.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
      const call = {
        method: method as 'GET',
        url: concrete,
        ...(method === 'GET' || method === 'HEAD' ? {} : { payload: {} }),
      };
      const anonymous = await t.app.inject(call);
      if (anonymous.statusCode !== 401) continue; // public
      const answer = await t.app.inject({ ...call, headers: pending });
      expect(answer.statusCode, `${method} ${url}`).toBe(403);
      if (method !== 'HEAD')
        expect(answer.json().error.code, `${method} ${url}`).toBe('PASSWORD_CHANGE_REQUIRED');
      gated.push(`${method} ${url}`);
    }
    expect(gated.length).toBeGreaterThan(40);
  });
});
