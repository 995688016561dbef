/**
 * Text is checked once at the edge, alike on both backends: a NUL, a lone surrogate or invalid UTF-8 anywhere in a
 * body, query or path is 400 VALIDATION_FAILED naming where it is, never the value, and changes nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';

const backends: Array<'sqlite' | 'postgres'> = [
  'sqlite',
  ...(TEST_DATABASE_URL === null ? [] : ['postgres' as const]),
];

for (const database of backends) {
  describe(`text at the edge (${database})`, () => {
    let t: TestApp;
    let admin: Awaited<ReturnType<typeof loggedInUser>>;
    beforeAll(async () => {
      t = await createTestApp({ database });
      admin = await loggedInUser(t, ['admin']);
    });
    afterAll(async () => {
      await t.close();
    });

    const post = (url: string, payload: string | object, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { ...admin.headers, 'content-type': 'application/json', ...headers },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });

    it('refuses a NUL or a lone surrogate in any string, naming its place, on login too', async () => {
      for (const bad of ['ad\u0000min', 'a\uD800b', '\uDC00', 'x\uDBFF']) {
        const login = await t.app.inject({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { username: bad, password: 'irrelevant-password' },
        });
        expect(login.statusCode, JSON.stringify(bad)).toBe(400);
        expect(login.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.username' });
      }
      const key = await post('/v1/api-keys', { name: 'key\uD800' });
      expect(key.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.name' });
      const attrs = await post('/v1/users', {
        username: 'someone',
        password: 'Tr0ubadour-horse-battery',
        attributes: { team: 'a\u0000' },
      });
      expect(attrs.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.attributes.team' });
      expect((await t.services.users.list({ limit: 100 })).users.map((u) => u.username)).not.toContain(
        'someone',
      );
    });

    it('names a client-chosen key only when it is an identifier', async () => {
      const response = await post('/v1/users', {
        username: 'x1',
        password: 'p',
        attributes: { 'k\u0000': 1 },
      });
      expect(response.json().error).toMatchObject({ field: 'body.attributes.(unknown)' });
    });

    it('refuses a body that is not valid UTF-8, and query text whose encoding is not', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: Buffer.concat([
          Buffer.from('{"username":"a'),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('","password":"b"}'),
        ]),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body' });
      const listed = await t.app.inject({ url: '/v1/users?cursor=%FF', headers: admin.headers });
      expect(listed.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'query.cursor' });
    });

    it('for any string holding a NUL or lone surrogate, answers 400 and never echoes it', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 20 }),
          fc.constantFrom('\u0000', '\uD800', '\uDFFF', '\uDBFF'),
          fc.string({ maxLength: 20 }),
          async (before, bad, after) => {
            const value = `CANARY${before}${bad}${after}`;
            const response = await post('/v1/audit/hash', { value });
            expect(response.statusCode).toBe(400);
            expect(response.json().error.field).toBe('body.value');
            expect(response.body).not.toContain('CANARY');
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
