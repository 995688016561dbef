/**
 * A body-less route takes `content-type: application/json` with an empty body as no body (clients send the header
 * on every call); a route with a body still refuses an empty or non-JSON one, and a body-less route a non-empty
 * body that is not JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';

describe('empty JSON bodies', () => {
  let t: TestApp;
  let user: Awaited<ReturnType<typeof loggedInUser>>;
  beforeAll(async () => {
    t = await createTestApp();
    user = await loggedInUser(t, ['user']);
  });
  afterAll(async () => {
    await t.close();
  });

  const json = (method: 'DELETE' | 'GET' | 'POST', url: string, payload: string) =>
    t.app.inject({
      method,
      url,
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload,
    });

  it('accepts an empty body on DELETE and GET', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'empty-body' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as { id: string };
    const deleted = await json('DELETE', `/v1/api-keys/${id}`, '');
    expect(deleted.statusCode, deleted.body).toBe(204);
    const listed = await json('GET', '/v1/api-keys', '');
    expect(listed.statusCode, listed.body).toBe(200);
  });

  it('still refuses an empty body where a body is required, and non-JSON anywhere', async () => {
    const empty = await json('POST', '/v1/api-keys', '');
    expect(empty.statusCode).toBe(400);
    expect((empty.json() as { error: { code: string } }).error.code).toBe('INVALID_JSON');
    const broken = await json('DELETE', '/v1/api-keys/00000000-0000-4000-8000-000000000000', '{"x":');
    expect(broken.statusCode).toBe(400);
    expect((broken.json() as { error: { code: string } }).error.code).toBe('INVALID_JSON');
  });
});
