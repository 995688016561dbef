/**
 * Guarantee (issue 9): an application that only verifies access tokens (the JWKS, no introspection) can tell a
 * session that may only change its password: Strongroom marks every access token of a session started with an
 * administrator's one-time password `password_change_required: true` (at login and at each refresh while the
 * change is pending), and no other token. After the user's own change, the refresh of the session the change
 * kept and a new login issue unmarked tokens.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_CHANGE_CLAIM } from '../../src/auth/index.js';
import { createTestApp, createUser, login, strongPassword, type TestApp } from '../helpers/test-app.js';

describe('the password-change mark of access tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const markOf = (token: string) => decodeJwt(token)[PASSWORD_CHANGE_CLAIM];
  async function refresh(refreshToken: string) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: refreshToken },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { access_token: string; refresh_token: string };
  }

  it('is on the tokens of a one-time password session only, until the user changes the password', async () => {
    const user = await createUser(t, ['user']);
    const usual = await login(t, user.username, user.password);
    expect(PASSWORD_CHANGE_CLAIM).toBe('password_change_required');
    expect(markOf(usual.access_token)).toBeUndefined();
    expect(markOf((await refresh(usual.refresh_token)).access_token)).toBeUndefined();

    const { oneTimePassword } = await t.services.users.resetPassword(user.id, { bySession: true });
    const pending = await login(t, user.username, oneTimePassword);
    expect(markOf(pending.access_token)).toBe(true);
    const refreshed = await refresh(pending.refresh_token);
    expect(markOf(refreshed.access_token)).toBe(true);

    const password = strongPassword();
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: { authorization: `Bearer ${refreshed.access_token}` },
      payload: { current_password: oneTimePassword, new_password: password },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    expect(markOf((await refresh(refreshed.refresh_token)).access_token)).toBeUndefined();
    expect(markOf((await login(t, user.username, password)).access_token)).toBeUndefined();
  });
});
