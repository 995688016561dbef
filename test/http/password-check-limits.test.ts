/**
 * Passwords the policy refuses are throttled per user on every route that sets one (a password change, an
 * administrator creating a user), with 429 RATE_LIMITED and Retry-After; the strength worker stops with the app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const FREE = 5;

function changePassword(user: Awaited<ReturnType<typeof loggedInUser>>, next: string) {
  return t.app.inject({
    method: 'PUT',
    url: '/v1/me/password',
    headers: user.headers,
    payload: { current_password: user.password, new_password: next },
  });
}

describe('refused passwords', () => {
  it('are throttled per user on PUT /v1/me/password', async () => {
    const [alice, bob] = [await loggedInUser(t), await loggedInUser(t)];
    const codes: string[] = [];
    for (let i = 0; i <= FREE; i++)
      codes.push((await changePassword(alice, `password${1000 + i}`)).json().error.code);
    expect(codes).toEqual([...Array(FREE).fill('PASSWORD_TOO_COMMON'), 'RATE_LIMITED']);
    const limited = await changePassword(alice, 'password1234');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body).not.toContain('password1234');
    // Bob, the other user, is still told what is wrong with his password.
    const other = await changePassword(bob, 'password1234');
    expect(other.statusCode).toBe(400);
    expect(other.json().error).toMatchObject({ code: 'PASSWORD_TOO_COMMON', field: 'body.new_password' });
  });

  it('are throttled per administrator on POST /v1/users', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const create = (password: string, i: number) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: admin.headers,
        payload: { username: `weak${Date.now()}${i}`, password },
      });
    const statuses: number[] = [];
    for (let i = 0; i <= FREE; i++) statuses.push((await create('qwertyuiopasdf', i)).statusCode);
    expect(statuses).toEqual([...Array(FREE).fill(400), 429]);
  });
});

describe('the strength worker', () => {
  it('is closed with the app', async () => {
    const own = await createTestApp();
    const user = await loggedInUser(own);
    const weak = await own.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: user.headers,
      payload: { current_password: user.password, new_password: 'password1234' },
    });
    expect(weak.json().error.code).toBe('PASSWORD_TOO_COMMON');
    await own.close();
    await expect(own.services.strength.score('password1234', [])).rejects.toMatchObject({
      code: 'SERVICE_BUSY',
    });
  });
});
