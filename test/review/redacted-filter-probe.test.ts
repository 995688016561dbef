/**
 * Review (issue 13, finding 1): with the row conditions in the query, a filter or a search on a field the caller
 * may see only `redacted` on some records must not find those records by that field's value (an exact-match probe
 * would recover the value it cannot read), and a deny rule still hides the records it names, whatever the allows:
 * the page for a probed value that a hidden record holds answers exactly as for a value no record holds.
 * Through the HTTP app, on SQLite and (when STRONGROOM_DATABASE_URL is set) PostgreSQL.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

type Api = ReturnType<typeof vaultApi>;
const databases = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

function policy() {
  const document = defaultPolicyDocument();
  const rule = (effect: 'allow' | 'deny', resources: string[], redaction: string, condition?: object) => ({
    effect,
    actions: ['read', 'search'],
    resources,
    ...(effect === 'allow' ? { redaction } : {}),
    ...(condition === undefined ? {} : { condition }),
  });
  return {
    ...document,
    roles: {
      ...document.roles,
      probe: {
        rules: [
          // Its own tenant's records in full…
          rule('allow', ['collections/people', 'collections/people/**'], 'plain', {
            tenant_id: { equals: 'mine' },
          }),
          // …everyone's age, but only as `redacted`…
          rule('allow', ['collections/people/fields/age'], 'redacted'),
          // …and nothing at all of the blocked tenant, even its own-tenant-looking grants.
          rule('deny', ['collections/people', 'collections/people/**'], 'plain', {
            tenant_id: { equals: 'blocked' },
          }),
        ],
      },
    },
  };
}

const body = (response: LightMyRequestResponse) => {
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    records: Array<{ id: string; fields: Record<string, unknown> }>;
    next_cursor: null;
  };
};

describe.each(databases)('probing a redacted field by filter or search (%s)', (database) => {
  let t: TestApp;
  let admin: Api;
  let probe: Api;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ database });
    const adminUser = await loggedInUser(t, ['admin']);
    admin = vaultApi(t, adminUser.headers);
    expect((await admin.createCollection('people')).statusCode).toBe(201);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: adminUser.headers,
      payload: policy(),
    });
    expect(put.statusCode, put.body).toBe(200);
    const seed: Array<[string, string, number]> = [
      ['mine42', 'mine', 42],
      ['theirs41', 'theirs', 41],
      ['blocked40', 'blocked', 40],
      ['mine39', 'mine', 39],
    ];
    for (const [name, tenant, age] of seed) {
      const created = await admin.create('people', { ...patient(age), tenant_id: tenant, age });
      expect(created.statusCode, created.body).toBe(201);
      ids[name] = (created.json() as { id: string }).id;
    }
    probe = vaultApi(t, (await loggedInUser(t, ['probe'])).headers, null);
  }, 120_000);
  afterAll(() => t?.close());

  it('lists the other tenant with its age redacted, and never the blocked tenant', async () => {
    const page = body(await probe.list('people'));
    const listed = page.records.map((r) => r.id).sort();
    expect(listed).toEqual([ids.mine42, ids.theirs41, ids.mine39].sort());
    expect(page.records.find((r) => r.id === ids.theirs41)?.fields.age).not.toBe(41);
  });

  it('finds its own records by age, never another tenant’s by the age it sees redacted', async () => {
    expect(body(await probe.list('people', '?filter.age=42')).records.map((r) => r.id)).toEqual([ids.mine42]);
    const probed = body(await probe.list('people', '?filter.age=41'));
    const absent = body(await probe.list('people', '?filter.age=77'));
    expect(probed).toEqual({ records: [], next_cursor: null });
    expect(probed).toEqual(absent);
    // The blocked tenant's value neither.
    expect(body(await probe.list('people', '?filter.age=40'))).toEqual(absent);
  });

  it('searching by the redacted value answers as for a value nobody holds', async () => {
    expect(
      body(await probe.search('people', { where: { age: 42 }, limit: 10 })).records.map((r) => r.id),
    ).toEqual([ids.mine42]);
    const probed = body(await probe.search('people', { where: { age: 41 }, limit: 10 }));
    const absent = body(await probe.search('people', { where: { age: 77 }, limit: 10 }));
    expect(probed).toEqual({ records: [], next_cursor: null });
    expect(probed).toEqual(absent);
    expect(body(await probe.search('people', { where: { age: 40 }, limit: 10 }))).toEqual(absent);
  });

  it('pages one record at a time through exactly the visible ones', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = body(await probe.list('people', `?limit=1${cursor === null ? '' : `&cursor=${cursor}`}`));
      seen.push(...page.records.map((r) => r.id));
      cursor = page.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual([ids.mine42, ids.theirs41, ids.mine39].sort());
  });
});
