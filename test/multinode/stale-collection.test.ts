/**
 * Issue 12: a collection dropped on node A while node B still answers from its cached definition (the node cache
 * keeps one for CACHE_TTL_MS). Two apps in this process on one PostgreSQL schema and one root key. Every record
 * call B makes on the stale definition must answer what a call on an unknown collection answers (404
 * COLLECTION_NOT_FOUND, or the tokenization's field-named form), never a 500, and must leave nothing behind.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { PATIENT_FIELDS, patient, vaultApi } from '../helpers/vault.js';

type Api = ReturnType<typeof vaultApi>;

const answerOf = (response: { statusCode: number; json(): unknown }) => {
  const { error } = response.json() as { error?: { code: string; field?: string } };
  return { status: response.statusCode, code: error?.code, field: error?.field };
};

/** Every record call on `name` (with `id`, a record of it), as B makes them. */
function calls(api: Api, name: string, id: string) {
  return {
    create: () => api.create(name, patient(7)),
    createWithSubject: () => api.create(name, patient(8), 'subject-stale'),
    list: () => api.list(name),
    read: () => api.read(name, id),
    patch: () => api.patch(name, id, { age: 41 }),
    remove: () => api.remove(name, id),
    searchBlind: () => api.search(name, { where: { email: 'jane.1@example.com' } }),
    searchPlain: () => api.search(name, { where: { tenant_id: 'acme' } }),
    tokenize: () =>
      api.call('POST', '/v1/tokens', {
        kind: 'random',
        source: { collection: name, record: id, field: 'card' },
      }),
  };
}

describe.skipIf(TEST_DATABASE_URL === null)('a collection dropped on another node (postgres)', () => {
  let a: TestApp;
  let b: TestApp;
  let onA: Api;
  let onB: Api;
  let control: pg.Client;
  beforeAll(async () => {
    const masterKey = randomBytes(32).toString('base64');
    a = await createTestApp({ database: 'postgres', flags: { masterKey } });
    b = await createTestApp({
      database: 'postgres',
      flags: { masterKey, databaseSchema: a.config.databaseSchema ?? '' },
    });
    const admin = await loggedInUser(a, ['admin']);
    onA = vaultApi(a, admin.headers);
    onB = vaultApi(b, admin.headers);
    control = new pg.Client({ connectionString: TEST_DATABASE_URL ?? '' });
    await control.connect();
  });
  afterAll(async () => {
    await control?.end();
    await b?.close();
    await a?.close();
  });

  /** What B answers for each call on a collection no node has ever had. */
  async function unknownAnswers() {
    const answers: Record<string, ReturnType<typeof answerOf>> = {};
    for (const [call, run] of Object.entries(
      calls(onB, 'never_was', '00000000-0000-4000-8000-000000000000'),
    )) {
      const response = await run();
      answers[call] = answerOf(response);
    }
    return answers;
  }

  /** Rows of any table that still name the collection. */
  const rowsOf = async (collectionId: string) => {
    const schema = a.config.databaseSchema;
    let rows = 0;
    for (const table of ['records', 'record_attributes', 'blind_indexes', 'tokens']) {
      const counted = await control.query(
        `select count(*)::int as n from "${schema}".${table} where collection_id = $1`,
        [collectionId],
      );
      rows += counted.rows[0].n as number;
    }
    return rows;
  };

  for (const call of Object.keys(calls(vaultApi({} as TestApp, {}), '', ''))) {
    it(`${call}: B answers as for an unknown collection, and leaves no row behind`, async () => {
      const name = `stale_${call.toLowerCase()}`;
      expect((await onA.createCollection(name, PATIENT_FIELDS)).statusCode).toBe(201);
      const created = await onA.create(name, patient(1));
      expect(created.statusCode).toBe(201);
      const id = (created.json() as { id: string }).id;
      // B reads the definition (and caches it), then A drops the collection.
      expect((await onB.list(name)).statusCode).toBe(200);
      const collectionId = (await b.services.collections.get(name)).id;
      expect((await onA.call('DELETE', `/v1/collections/${name}`, { confirm: name })).statusCode).toBe(200);
      expect((await b.services.collections.get(name)).id).toBe(collectionId);

      const response = await calls(onB, name, id)[call as keyof ReturnType<typeof calls>]();
      const expected = (await unknownAnswers())[call];
      expect(expected?.status).toBe(404);
      expect(answerOf(response)).toEqual(expected);
      expect(await rowsOf(collectionId)).toBe(0);
    });
  }

  // With a subject and no searchable field the write reads none of the collection's keys (which the drop
  // destroys, and so would wait on). The hold on collection changes makes the drop wait for the write; the
  // foreign key cascade (records, and their side tables, go with the collection row) held this before it did.
  it('a write on B racing the drop on A leaves no row of the collection behind', async () => {
    const name = 'stale_race';
    const fields = [
      { name: 'tenant_id', type: 'string' },
      { name: 'name', type: 'name', sensitive: true },
    ];
    expect((await onA.createCollection(name, fields)).statusCode).toBe(201);
    expect((await onB.list(name)).statusCode).toBe(200);
    const collectionId = (await b.services.collections.get(name)).id;
    const schema = a.config.databaseSchema;
    // Both nodes' connections are named after the schema: waits of other tests on this server are not counted.
    const waiting = async () =>
      Number(
        (
          await control.query(
            `select count(*)::int as n from pg_locks l join pg_stat_activity s on s.pid = l.pid
             where not l.granted and s.application_name = $1`,
            [`strongroom:${schema}`],
          )
        ).rows[0].n,
      );
    const until = async (n: number) => {
      const end = Date.now() + 5_000;
      while ((await waiting()) < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      return waiting();
    };
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL ?? '' });
    await holder.connect();
    try {
      // The write's transaction stops at the audit chain head (locked last) with its rows inserted, uncommitted.
      await holder.query('begin');
      await holder.query(`select * from "${schema}".audit_chain_head where id = 1 for update`);
      const written = onB.create(name, { tenant_id: 'acme', name: 'Jane Roe' }, 'subject-race');
      expect(await until(1)).toBeGreaterThanOrEqual(1);
      const dropped = onA.call('DELETE', `/v1/collections/${name}`, { confirm: name });
      expect(await until(2)).toBeGreaterThanOrEqual(2);
      await holder.query('commit');
      const [write, drop] = await Promise.all([written, dropped]);
      expect(drop.statusCode, drop.body).toBe(200);
      expect([201, 404]).toContain(write.statusCode);
    } finally {
      await holder.end();
    }
    expect(await rowsOf(collectionId)).toBe(0);
  });
});
