/**
 * Guarantee (issue 10): a record's revision is its ETag, and a PATCH with `If-Match` applies only while the record
 * is still at that revision: 412 PRECONDITION_FAILED and nothing changed when it moved; a record the caller may
 * not see answers 404 whatever If-Match says (412 would tell that it exists). On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `If-Match on records (${database})`,
    () => {
      let t: TestApp;
      let owner: Awaited<ReturnType<typeof loggedInUser>>;
      let api: ReturnType<typeof vaultApi>;
      beforeAll(async () => {
        t = await createTestApp({ database });
        const admin = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
        expect((await admin.createCollection('patients')).statusCode).toBe(201);
        owner = await loggedInUser(t);
        api = vaultApi(t, owner.headers);
      });
      afterAll(async () => {
        await t.close();
      });

      const patch = (id: string, fields: object, ifMatch?: string, headers = owner.headers) =>
        t.app.inject({
          method: 'PATCH',
          url: `/v1/collections/patients/records/${id}`,
          headers: { ...headers, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
          payload: { fields },
        });

      it('serves the revision as ETag and applies a PATCH whose If-Match is current', async () => {
        const { id } = (await api.create('patients', patient(1))).json() as { id: string };
        const read = await api.read('patients', id);
        expect(read.headers.etag).toBe('"1"');
        const changed = await patch(id, { age: 41 }, read.headers.etag as string);
        expect(changed.statusCode).toBe(200);
        expect(changed.json().revision).toBe(2);
        expect(changed.headers.etag).toBe('"2"');
        expect((await api.read('patients', id)).headers.etag).toBe('"2"');
      });

      it('answers 412 and changes nothing when the revision moved', async () => {
        const { id } = (await api.create('patients', patient(2))).json() as { id: string };
        const etag = (await api.read('patients', id)).headers.etag as string;
        expect((await patch(id, { age: 50 })).statusCode).toBe(200);
        const before = await t.services.stores.records.find(
          (await t.services.collections.get('patients')).id,
          id,
        );
        const stale = await patch(id, { age: 60 }, etag);
        expect(stale.statusCode).toBe(412);
        expect(stale.json().error).toMatchObject({ code: 'PRECONDITION_FAILED', field: 'headers.if-match' });
        const after = await t.services.stores.records.find(
          (await t.services.collections.get('patients')).id,
          id,
        );
        expect(after).toEqual(before);
        const events = await t.services.database.db
          .selectFrom('audit_events')
          .select(['action', 'outcome'])
          .where('record_id', '=', id)
          .where('action', '=', 'record.update')
          .execute();
        expect(events.filter((e) => e.outcome === 'allowed')).toHaveLength(1);
      });

      it('refuses a malformed If-Match naming the header; a refused or missing record is never 412', async () => {
        const { id } = (await api.create('patients', patient(3))).json() as { id: string };
        for (const value of ['*', '1', '"1", "2"', 'W/"1"', '"abc"']) {
          const bad = await patch(id, { age: 33 }, value);
          expect(bad.statusCode, value).toBe(400);
          expect(bad.json().error.field).toBe('headers.if-match');
        }
        // Another user sees the record masked but may not write it: refused as a write, not as a precondition.
        const other = await loggedInUser(t);
        const refused = await patch(id, { age: 33 }, '"99"', other.headers);
        expect(refused.json().error.code).toBe('FORBIDDEN');
        const missing = await patch(
          '00000000-0000-4000-8000-000000000000',
          { age: 33 },
          '"99"',
          other.headers,
        );
        expect(missing.json().error.code).toBe('RECORD_NOT_FOUND');
      });
    },
  );
}
