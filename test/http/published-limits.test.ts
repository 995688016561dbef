/**
 * The limits the OpenAPI document publishes for lists (`maxItems`) hold because the server enforces them where the
 * things listed are made: live API keys per user, collections per server, checkpoints per page, `limit` as an
 * integer in query strings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COLLECTIONS, MAX_LIVE_API_KEYS } from '../../src/services/index.js';
import {
  createTestApp,
  createTestClock,
  loggedInUser,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';

const clock = createTestClock();
let t: TestApp;
let admin: Awaited<ReturnType<typeof loggedInUser>>;
beforeAll(async () => {
  t = await createTestApp({ clock });
  admin = await loggedInUser(t, ['admin']);
});
afterAll(async () => {
  await t.close();
});

const mint = (headers: Record<string, string>, payload: object) =>
  t.app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload });

describe('published list limits', () => {
  it('refuses a live API key beyond the limit; expired keys neither count nor show', async () => {
    const user = await loggedInUser(t);
    expect((await mint(user.headers, { name: 'short', expires_in: 60 })).statusCode).toBe(201);
    clock.advance(61_000);
    const session = (await t.app.inject({ url: '/v1/me', headers: user.headers })).statusCode;
    expect(session).toBe(200);
    for (let i = 0; i < MAX_LIVE_API_KEYS; i++) {
      expect((await mint(user.headers, { name: `k${i}` })).statusCode).toBe(201);
    }
    const refused = await mint(user.headers, { name: 'one too many' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('API_KEY_LIMIT_REACHED');
    const listed = (await t.app.inject({ url: '/v1/api-keys', headers: user.headers })).json();
    expect(listed.api_keys).toHaveLength(MAX_LIVE_API_KEYS);
    expect(listed.api_keys.map((k: { name: string }) => k.name)).not.toContain('short');
  });

  it('refuses a collection beyond the limit', { timeout: 120_000 }, async () => {
    const fields = [{ name: 'note', type: 'string' }];
    for (let i = 0; i < MAX_COLLECTIONS; i++) {
      await t.services.collections.create(admin.id, { name: `c${i}`, fields });
    }
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/collections',
      headers: admin.headers,
      payload: { name: 'one_too_many', fields },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('COLLECTION_LIMIT_REACHED');
  });

  it('pages the checkpoint export', async () => {
    for (let i = 0; i < 3; i++) {
      await t.app.inject({ url: '/v1/me', headers: admin.headers });
      await t.services.audit.record({ actor: null, action: 'audit.query', outcome: 'allowed' });
      await t.services.audit.checkpointNow();
    }
    const seqs: number[] = [];
    let after: string | null = null;
    do {
      const query: string = after === null ? '?limit=1' : `?limit=1&after=${after}`;
      const page = (
        await t.app.inject({ url: `/v1/audit/checkpoints${query}`, headers: admin.headers })
      ).json();
      expect(page.checkpoints.length).toBeLessThanOrEqual(1);
      seqs.push(...page.checkpoints.map((c: { seq: number }) => c.seq));
      after = page.next_cursor;
    } while (after !== null);
    const all = (await t.app.inject({ url: '/v1/audit/checkpoints', headers: admin.headers })).json();
    expect(seqs).toEqual(all.checkpoints.map((c: { seq: number }) => c.seq));
    expect(seqs.length).toBeGreaterThanOrEqual(3);
  });

  it('reads limit as an integer from the query string, and only there', async () => {
    const listed = await t.app.inject({ url: '/v1/users?limit=2', headers: admin.headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().users.length).toBeLessThanOrEqual(2);
    for (const bad of [
      '0',
      '101',
      '2.5',
      'ten',
      '',
      'Infinity',
      '-Infinity',
      '1e1',
      '0x10',
      '+5',
      '5.0',
      '%205',
      '05',
    ]) {
      const refused = await t.app.inject({ url: `/v1/users?limit=${bad}`, headers: admin.headers });
      expect(refused.json().error, bad).toMatchObject({ code: 'VALIDATION_FAILED', field: 'query.limit' });
    }
    // In a JSON body a number must be a number: "5" is not coerced.
    const search = await t.app.inject({
      method: 'POST',
      url: '/v1/collections/c1/records/search',
      headers: { ...admin.headers, 'x-access-purpose': 'support' },
      payload: { where: { note: 'x' }, limit: '5' },
    });
    expect(search.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.limit' });
  });
});

const backends: Array<'sqlite' | 'postgres'> = [
  'sqlite',
  ...(TEST_DATABASE_URL === null ? [] : ['postgres' as const]),
];

for (const database of backends) {
  describe(`limits under concurrent creates (${database})`, () => {
    let c: TestApp;
    let owner: Awaited<ReturnType<typeof loggedInUser>>;
    beforeAll(async () => {
      c = await createTestApp({ database });
      owner = await loggedInUser(c, ['admin']);
    });
    afterAll(async () => {
      await c.close();
    });

    it('never lets racing requests past the live API key limit', async () => {
      const post = (name: string) =>
        c.app.inject({ method: 'POST', url: '/v1/api-keys', headers: owner.headers, payload: { name } });
      for (let i = 0; i < MAX_LIVE_API_KEYS - 5; i++) expect((await post(`k${i}`)).statusCode).toBe(201);
      const raced = await Promise.all(Array.from({ length: 30 }, (_, i) => post(`race${i}`)));
      expect(raced.filter((r) => r.statusCode === 201)).toHaveLength(5);
      expect(raced.filter((r) => r.statusCode === 409)).toHaveLength(25);
      const listed = (await c.app.inject({ url: '/v1/api-keys', headers: owner.headers })).json();
      expect(listed.api_keys).toHaveLength(MAX_LIVE_API_KEYS);
    });

    it('never lets racing requests past the collection limit', { timeout: 180_000 }, async () => {
      const fields = [{ name: 'note', type: 'string' }];
      for (let i = 0; i < MAX_COLLECTIONS - 5; i++) {
        await c.services.collections.create(owner.id, { name: `c${i}`, fields });
      }
      const raced = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          c.app.inject({
            method: 'POST',
            url: '/v1/collections',
            headers: owner.headers,
            payload: { name: `race${i}`, fields },
          }),
        ),
      );
      expect(raced.filter((r) => r.statusCode === 201)).toHaveLength(5);
      expect((await c.services.collections.list()).length).toBe(MAX_COLLECTIONS);
    });
  });
}
