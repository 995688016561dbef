import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { PATIENT_FIELDS, patient, vaultApi } from '../helpers/vault.js';

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `encrypted records API (${database})`,
    () => {
      let t: TestApp;
      let admin: ReturnType<typeof vaultApi>;
      beforeAll(async () => {
        t = await createTestApp({ database });
        admin = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
        expect((await admin.createCollection('patients')).statusCode).toBe(201);
      });
      afterAll(() => t.close());

      it('stores, masks by default, reveals on request and redacts on request', async () => {
        const created = await admin.create('patients', patient(1));
        expect(created.statusCode).toBe(201);
        const { id } = created.json() as { id: string };
        const masked = (await admin.read('patients', id)).json();
        expect(masked.fields).toMatchObject({
          ssn: '***-**-0001',
          email: 'j***@example.com',
          card: '**** **** **** 4242',
          phone: '+1*******123',
          tenant_id: 'acme',
          age: 31,
        });
        expect(masked.redaction.ssn).toBe('masked');
        const plain = (await admin.read('patients', id, '?reveal=ssn,card')).json();
        expect(plain.fields.ssn).toBe('123-45-0001');
        expect(plain.fields.card).toBe('4242424242424242');
        expect(plain.redaction).toMatchObject({ ssn: 'plain', card: 'plain', email: 'masked' });
        const redacted = (await admin.read('patients', id, '?redaction=redacted')).json();
        expect(redacted.fields.ssn).toBeNull();
      });

      it('keeps personal field types out of URLs even when not marked sensitive; search finds them', async () => {
        const fields = [
          { name: 'contact', type: 'email' },
          { name: 'who', type: 'name' },
          { name: 'plan', type: 'string' },
        ];
        expect((await admin.createCollection('contacts', fields)).statusCode).toBe(201);
        await admin.create('contacts', { contact: 'ana@example.com', who: 'Ana Lima', plan: 'pro' });
        for (const query of [
          '?filter.contact=ana@example.com',
          '?filter[who]=Ana',
          '?filter.plan=pro&filter.who=x',
        ]) {
          const refused = (await admin.list('contacts', query)).json();
          expect(refused.error?.code, query).toBe('FIELD_NOT_FILTERABLE');
          expect(JSON.stringify(refused)).not.toContain('ana');
        }
        expect((await admin.list('contacts', '?filter.plan=pro')).json().records).toHaveLength(1);
        const found = await admin.search('contacts', { where: { contact: 'ana@example.com' } });
        expect(found.json().records).toHaveLength(1);
      });

      it('finds records by a searchable sensitive field through the blind index', async () => {
        const { id } = (await admin.create('patients', patient(2))).json() as { id: string };
        const found = await admin.search('patients', { where: { email: 'jane.2@EXAMPLE.com' } });
        expect(found.statusCode).toBe(200);
        expect(found.json().records.map((r: { id: string }) => r.id)).toEqual([id]);
        const none = await admin.search('patients', { where: { email: 'nobody@example.com' } });
        expect(none.json().records).toEqual([]);
        const refused = await admin.search('patients', { where: { phone: '+14155550123' } });
        expect(refused.json().error.code).toBe('FIELD_NOT_SEARCHABLE');
      });

      it('updates, lists with filters and deletes', async () => {
        const { id } = (await admin.create('patients', { ...patient(3), tenant_id: 'other' })).json() as {
          id: string;
        };
        const patched = await admin.patch('patients', id, { ssn: '234-56-7890', age: null });
        expect(patched.statusCode).toBe(200);
        const read = (await admin.read('patients', id, '?reveal=ssn')).json();
        expect(read.fields.ssn).toBe('234-56-7890');
        expect(read.fields.age).toBeNull();
        expect(
          (await admin.search('patients', { where: { ssn: '234-56-7890' } })).json().records,
        ).toHaveLength(1);
        const listed = (await admin.list('patients', '?filter.tenant_id=other')).json();
        expect(listed.records.map((r: { id: string }) => r.id)).toEqual([id]);
        // The OpenAPI deepObject form, which generated clients send, filters the same way.
        const deep = (await admin.list('patients', '?filter%5Btenant_id%5D=other&limit=5')).json();
        expect(deep.records.map((r: { id: string }) => r.id)).toEqual([id]);
        const repeated = (await admin.list('patients', '?filter.tenant_id=a&filter[tenant_id]=b')).json();
        expect(repeated.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'query.filter.tenant_id' });
        expect((await admin.list('patients', '?filter.name=x')).json().error.code).toBe(
          'FIELD_NOT_FILTERABLE',
        );
        expect((await admin.remove('patients', id)).statusCode).toBe(204);
        expect((await admin.read('patients', id)).json().error.code).toBe('RECORD_NOT_FOUND');
      });

      it('lets only admins and the creator reveal, change or delete a record', async () => {
        const owner = vaultApi(t, (await loggedInUser(t)).headers);
        const other = vaultApi(t, (await loggedInUser(t)).headers);
        const { id } = (await owner.create('patients', patient(4))).json() as { id: string };
        expect((await owner.read('patients', id, '?reveal=ssn')).json().fields.ssn).toBe('123-45-0004');
        expect((await other.read('patients', id)).json().fields.ssn).toBe('***-**-0004');
        expect((await other.read('patients', id, '?reveal=ssn')).statusCode).toBe(403);
        expect((await other.patch('patients', id, { age: 1 })).statusCode).toBe(403);
        expect((await other.remove('patients', id)).statusCode).toBe(403);
        expect((await owner.remove('patients', id)).statusCode).toBe(204);
      });

      it('erases a subject: every path to its values is closed, other subjects are untouched', async () => {
        const a = (await admin.create('patients', patient(5), 'subject-a')).json() as { id: string };
        const b = (await admin.create('patients', patient(6), 'subject-b')).json() as { id: string };
        const erased = await admin.erase('subject-a');
        expect(erased.json()).toMatchObject({ records: 1, already_erased: false });
        expect((await admin.read('patients', a.id, '?reveal=ssn')).json().error.code).toBe('SUBJECT_ERASED');
        expect(
          (await admin.search('patients', { where: { email: 'jane.5@example.com' } })).json().records,
        ).toEqual([]);
        expect((await admin.create('patients', patient(7), 'subject-a')).json().error.code).toBe(
          'SUBJECT_ERASED',
        );
        const kept = (await admin.read('patients', b.id, '?reveal=ssn,subject')).json();
        expect(kept).toMatchObject({ subject: 'subject-b', fields: { ssn: '123-45-0006' } });
        expect((await admin.read('patients', b.id)).json().subject).toBe('***');
      });

      it('refuses bad input with a typed error naming the field, never the value, and writes nothing', async () => {
        const cases: Array<[object, string, string]> = [
          [{ ...patient(8), ssn: '000-12-3456' }, 'VALIDATION_FAILED', 'body.fields.ssn'],
          [{ ...patient(8), card: '4242424242424241' }, 'VALIDATION_FAILED', 'body.fields.card'],
          [{ ...patient(8), age: 'old' }, 'VALIDATION_FAILED', 'body.fields.age'],
          [{ ...patient(8), nickname: 'x' }, 'UNKNOWN_FIELD', 'body.fields.nickname'],
          [{ ...patient(8), tenant_id: undefined }, 'FIELD_REQUIRED', 'body.fields.tenant_id'],
        ];
        const before = (await admin.list('patients', '?limit=200')).json().records.length;
        for (const [fields, code, field] of cases) {
          const response = await admin.create('patients', fields);
          expect(response.statusCode).toBe(400);
          expect(response.json().error).toMatchObject({ code, field });
          expect(response.body).not.toContain('000-12-3456');
          expect(response.body).not.toContain('4242424242424241');
        }
        expect((await admin.list('patients', '?limit=200')).json().records.length).toBe(before);
        expect((await admin.create('nosuch', patient(8))).json().error.code).toBe('COLLECTION_NOT_FOUND');
        expect((await admin.createCollection('patients', PATIENT_FIELDS)).json().error.code).toBe(
          'COLLECTION_EXISTS',
        );
      });
    },
  );
}
