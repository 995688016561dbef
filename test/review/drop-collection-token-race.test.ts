/**
 * Review (issue 10): dropping a collection deletes its tokens in the drop's transaction, but tokens have no foreign
 * key to their collection or record, and a tokenization does not hold anything a drop waits for. On PostgreSQL
 * (read committed) a tokenization of one of the collection's fields that inserted its token before the drop's
 * `delete from tokens` and commits after it leaves the token behind: a row sealed under the vault-wide token key
 * (not the destroyed collection key), so the dropped value survived in the database and its backups. A
 * tokenization of a record's field now holds off changes of the collections (a shared advisory lock the drop takes
 * exclusively). Made deterministic by holding the audit chain head, which both transactions lock last, from
 * another connection.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { PATIENT_FIELDS, patient, vaultApi } from '../helpers/vault.js';

describe.skipIf(TEST_DATABASE_URL === null)('a tokenization racing a collection drop (postgres)', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp({ database: 'postgres' });
    headers = (await loggedInUser(t, ['admin'])).headers;
  });
  afterAll(() => t?.close());

  it('leaves no token of the dropped collection behind', async () => {
    const api = vaultApi(t, headers);
    const name = 'drop_race';
    expect((await api.createCollection(name, PATIENT_FIELDS)).statusCode).toBe(201);
    const created = await api.create(name, patient(1));
    expect(created.statusCode).toBe(201);
    const recordId = (created.json() as { id: string }).id;
    const schema = t.config.databaseSchema;

    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL ?? '' });
    await holder.connect();
    const watcher = new pg.Client({ connectionString: TEST_DATABASE_URL ?? '' });
    await watcher.connect();
    let xid = '0';
    let head = '0';
    // Transactions waiting for the holder's lock on the head: on its transaction id, or (queued behind the first)
    // on the head row's tuple lock; or, once fixed, the drop waiting for the tokenization's collection hold.
    const waiting = async () =>
      Number(
        (
          await watcher.query(
            "select count(*) as n from pg_locks where not granted and (transactionid::text = $1 or relation = $2::oid or locktype = 'advisory')",
            [xid, head],
          )
        ).rows[0].n,
      );
    const until = async (n: number) => {
      const end = Date.now() + 5_000;
      while ((await waiting()) < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      return waiting();
    };
    try {
      await holder.query('begin');
      await holder.query(`select * from "${schema}".audit_chain_head where id = 1 for update`);
      xid = String((await holder.query('select pg_current_xact_id()::text as x')).rows[0].x);
      head = String(
        (await holder.query(`select '"${schema}".audit_chain_head'::regclass::oid as o`)).rows[0].o,
      );
      const tokenized = api.call('POST', '/v1/tokens', {
        kind: 'random',
        source: { collection: name, record: recordId, field: 'ssn' },
      });
      expect(await until(1)).toBeGreaterThanOrEqual(1);
      const dropped = t.app.inject({
        method: 'DELETE',
        url: `/v1/collections/${name}`,
        headers,
        payload: { confirm: name },
      });
      // The drop either waits for the head too or for the tokenization's hold on the record.
      await until(2);
      await holder.query('commit');
      const [token, drop] = await Promise.all([tokenized, dropped]);
      expect(drop.statusCode).toBe(200);
      expect([201, 404]).toContain(token.statusCode);
    } finally {
      await holder.end();
      await watcher.end();
    }
    const left = await t.services.database.db
      .selectFrom('tokens')
      .select('id')
      .where('record_id', '=', recordId)
      .execute();
    expect(left).toEqual([]);
  });
});
