/**
 * Review (issue 10): after an administrator's reset, the user "must choose its own" password. The change route
 * took the one-time password itself as the new one (32 random characters pass any strength policy), so the
 * administrator, and whatever channel carried it, kept knowing the user's password for good, and the mark was
 * cleared. A pending user's new password must differ from the one-time password, also in another Unicode form
 * of it (passwords are compared after NFKC): a 400 naming `body.new_password` that changes nothing. A user with no
 * reset pending keeps today's behaviour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, login, strongPassword, type TestApp } from '../helpers/test-app.js';

describe("a pending password change cannot keep the administrator's one-time password", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const change = (token: string, current: string, next: string) =>
    t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: { authorization: `Bearer ${token}` },
      payload: { current_password: current, new_password: next },
    });

  it('refuses the one-time password (or its full-width form) as the new password, then accepts another', async () => {
    const user = await createUser(t, ['user']);
    const { oneTimePassword } = await t.services.users.resetPassword(user.id, { bySession: true });
    const pending = await login(t, user.username, oneTimePassword);
    const fullWidth = [...oneTimePassword]
      .map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0) : c))
      .join('');
    expect(fullWidth.normalize('NFKC')).toBe(oneTimePassword);
    for (const next of [oneTimePassword, fullWidth]) {
      const refused = await change(pending.access_token, oneTimePassword, next);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.new_password' });
      expect(refused.body).not.toContain(oneTimePassword);
    }
    // Still pending: nothing changed.
    const me = await t.app.inject({
      url: '/v1/collections',
      headers: { authorization: `Bearer ${pending.access_token}` },
    });
    expect(me.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await change(pending.access_token, oneTimePassword, strongPassword())).statusCode).toBe(204);
  });
});
