/**
 * Guarantee (issue 13, finding 1): list and search pages hold exactly the records the caller may see, and paging
 * through them with a cursor neither skips nor repeats one, on each way a page can read storage: with nothing
 * hidden (an admin: the filter drives the query), with row conditions in the query (windows of the collection),
 * and with a policy whose row conditions are too large for one query (decided in the service over bounded,
 * padded windows). The collection is larger than one window, and the visible records are spread through it.
 * Runs on SQLite and, when STRONGROOM_DATABASE_URL is set, PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import { MAX_TESTS } from '../../src/services/records/record-visibility.js';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

const RECORDS = 260;
const VISIBLE_EVERY = 3;
/** Rules of the `many` role: each a two-test condition, so together more tests than one query takes. */
const MANY_RULES = Math.ceil(MAX_TESTS / 2) + 20;

type Api = ReturnType<typeof vaultApi>;
type Page = { records: Array<{ id: string }>; next_cursor: string | null };

function policy() {
  const document = defaultPolicyDocument();
  const read = (condition: object) => ({
    effect: 'allow',
    actions: ['read', 'search'],
    resources: ['collections/people', 'collections/people/**'],
    redaction: 'plain',
    condition,
  });
  return {
    ...document,
    roles: {
      ...document.roles,
      few: { rules: [read({ tenant_id: { equals: 'mine' } })] },
      many: {
        rules: Array.from({ length: MANY_RULES }, (_, i) =>
          read({
            tenant_id: { equals: i === 5 ? 'mine' : `t${i}` },
            age: { equals: i === 5 ? 5 : 1000 + i },
          }),
        ),
      },
    },
  };
}

/** Every record id of every page of `first` and the pages its cursors lead to, in order. */
async function allPages(next: (cursor: string | null) => Promise<Page>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 200; pages++) {
    const page = await next(cursor);
    seen.push(...page.records.map((r) => r.id));
    if (page.next_cursor === null) return seen;
    cursor = page.next_cursor;
  }
  throw new Error('the cursors never ended');
}

const databases = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

describe.each(databases)('pages of visible records (%s)', (database) => {
  let t: TestApp;
  let admin: Api;
  const visible: string[] = [];
  const all: string[] = [];
  const idOf = new Map<number, string>();

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
    for (let n = 1; n <= RECORDS; n++) {
      const mine = n % VISIBLE_EVERY === 0;
      const fields = { ...patient(n), tenant_id: mine ? 'mine' : 'theirs', age: mine ? 5 : 6 };
      const created = await admin.create('people', fields);
      expect(created.statusCode, created.body).toBe(201);
      const { id } = created.json() as { id: string };
      all.push(id);
      idOf.set(n, id);
      if (mine) visible.push(id);
    }
    visible.sort();
    all.sort();
  }, 180_000);
  afterAll(() => t?.close());

  async function caller(role: string): Promise<Api> {
    const user = await loggedInUser(t, [role]);
    return vaultApi(t, user.headers);
  }

  const listed = (api: Api, query: string) => (cursor: string | null) =>
    api.list('people', `?limit=7${query}${cursor === null ? '' : `&cursor=${cursor}`}`).then((r) => {
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as Page;
    });
  const searched = (api: Api, where: object) => (cursor: string | null) =>
    api.search('people', { where, limit: 7, ...(cursor === null ? {} : { cursor }) }).then((r) => {
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as Page;
    });

  it('an admin pages through every record (nothing hidden: the filter drives the query)', async () => {
    expect(await allPages(listed(admin, ''))).toEqual(all);
    expect(await allPages(listed(admin, '&filter.tenant_id=mine'))).toEqual(visible);
  });

  it.each(['few', 'many'])(
    'role %s pages through exactly its records, none skipped or repeated',
    async (role) => {
      const api = await caller(role);
      expect(await allPages(listed(api, ''))).toEqual(visible);
      expect(await allPages(listed(api, '&filter.tenant_id=mine'))).toEqual(visible);
      expect(await allPages(listed(api, '&filter.tenant_id=theirs'))).toEqual([]);
      expect(await allPages(searched(api, { tenant_id: 'mine' }))).toEqual(visible);
      expect(await allPages(searched(api, { email: patient(3).email }))).toEqual([idOf.get(VISIBLE_EVERY)]);
      expect(await allPages(searched(api, { email: patient(1).email }))).toEqual([]);
    },
  );

  it('a role with no grant sees nothing, and gets no cursor', async () => {
    const api = await caller('introspector');
    const page = await listed(api, '&filter.tenant_id=theirs')(null);
    expect(page).toEqual({ records: [], next_cursor: null });
  });
});
