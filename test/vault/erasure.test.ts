/**
 * Erasure: after `POST /v1/subjects/erase` (the subject in the body), none of the subject's fields can be read by any path — read, list,
 * search, update, tokenize, detokenize, the rotation job, the audit export — nor found in the database; other
 * subjects are untouched on every one of those paths.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `erasing a subject (${database})`,
    () => {
      let t: TestApp;
      let api: ReturnType<typeof vaultApi>;
      const gone = { ...patient(11), email: 'gone.person@example.com', ssn: '321-54-9876' };
      const kept = { ...patient(12), email: 'kept.person@example.com', ssn: '456-78-1234' };
      let goneId: string;
      let keptId: string;
      let goneTokens: string[];
      let keptToken: string;

      beforeAll(async () => {
        t = await createTestApp({ database, flags: { keyJobSettleMs: 0 } });
        api = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
        expect((await api.createCollection('patients')).statusCode).toBe(201);
        goneId = (await api.create('patients', gone, 'person-gone')).json().id;
        keptId = (await api.create('patients', kept, 'person-kept')).json().id;
        const tokenize = async (id: string, field: string, kind: string) =>
          (
            await api.call('POST', '/v1/tokens', {
              kind,
              source: { collection: 'patients', record: id, field },
            })
          ).json().token as string;
        goneTokens = [
          await tokenize(goneId, 'ssn', 'random'),
          await tokenize(goneId, 'email', 'deterministic'),
          await tokenize(goneId, 'card', 'format_preserving'),
        ];
        keptToken = await tokenize(keptId, 'ssn', 'random');
        const erased = await api.erase('person-gone');
        expect(erased.statusCode).toBe(200);
        expect(erased.json()).toMatchObject({ records: 1, tokens: 3, already_erased: false });
      });
      afterAll(() => t?.close());

      it('answers 410 to reads, reveals and updates of the erased record', async () => {
        for (const query of ['', '?reveal=ssn,email,subject', '?redaction=redacted']) {
          const response = await api.read('patients', goneId, query);
          expect(response.statusCode).toBe(410);
          expect(response.json().error.code).toBe('SUBJECT_ERASED');
        }
        expect((await api.patch('patients', goneId, { age: 40 })).statusCode).toBe(410);
      });

      it('finds nothing of the subject by list, filter or search', async () => {
        const listed = (await api.list('patients', '?limit=200&reveal=ssn')).json();
        expect(listed.records.map((r: { id: string }) => r.id)).toEqual([keptId]);
        for (const where of [{ email: gone.email }, { ssn: gone.ssn }, { tenant_id: gone.tenant_id }]) {
          const found = (await api.search('patients', { where, reveal: ['ssn'] })).json();
          expect(found.records.map((r: { id: string }) => r.id)).not.toContain(goneId);
        }
      });

      it('detokenizes none of its tokens and cannot tokenize it again', async () => {
        const result = (
          await api.call('POST', '/v1/tokens/detokenize', { tokens: [...goneTokens, keptToken] })
        ).json();
        expect(result.values.slice(0, 3).map((v: { error?: string }) => v.error)).toEqual([
          'TOKEN_NOT_FOUND',
          'TOKEN_NOT_FOUND',
          'TOKEN_NOT_FOUND',
        ]);
        expect(result.values[3]).toMatchObject({ value: kept.ssn });
        const again = await api.call('POST', '/v1/tokens', {
          kind: 'random',
          source: { collection: 'patients', record: goneId, field: 'ssn' },
        });
        expect(again.statusCode).toBe(410);
      });

      it('keeps no ciphertext, index, attribute, token or key material of the subject in the database', async () => {
        const db = t.services.database.db;
        const record = (
          await sql<{ plain_fields: string; sealed_fields: string; subject_sealed: string | null }>`
        select plain_fields, sealed_fields, subject_sealed from records where id = ${goneId}`.execute(db)
        ).rows[0];
        expect(record).toEqual({ plain_fields: '{}', sealed_fields: '{}', subject_sealed: null });
        for (const table of ['record_attributes', 'blind_indexes', 'tokens']) {
          const { rows } = await sql<{
            n: number;
          }>`select count(*) as n from ${sql.table(table)} where record_id = ${goneId}`.execute(db);
          expect(Number(rows[0]?.n), table).toBe(0);
        }
        const { rows: keys } = await sql<{ wrapped: string; destroyed_at: number | null }>`
        select wrapped, destroyed_at from data_keys where purpose = 'subject'`.execute(db);
        expect(keys.filter((k) => k.destroyed_at !== null)).toEqual([
          { wrapped: '', destroyed_at: expect.any(Number) },
        ]);
        const { rows: erasures } = await sql<{
          records: number;
          tokens: number;
        }>`select records, tokens from erasures`.execute(db);
        expect(erasures.map((e) => ({ records: Number(e.records), tokens: Number(e.tokens) }))).toEqual([
          { records: 1, tokens: 3 },
        ]);
      });

      it('leaves the other subject readable on every path, also through a key rotation afterwards', async () => {
        expect((await api.read('patients', keptId, '?reveal=ssn,subject')).json()).toMatchObject({
          subject: 'person-kept',
          fields: { ssn: kept.ssn, email: 'k***@example.com' },
        });
        expect((await api.search('patients', { where: { email: kept.email } })).json().records).toHaveLength(
          1,
        );
        const rotated = await api.call('POST', '/v1/keys/rotate', {
          target: 'collection',
          collection: 'patients',
        });
        expect(rotated.statusCode).toBe(202);
        const jobId = rotated.json().job.id as string;
        for (let i = 0; i < 200; i++) {
          const job = (await api.call('GET', `/v1/keys/jobs/${jobId}`)).json();
          if (job.status === 'completed') break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect((await api.call('GET', `/v1/keys/jobs/${jobId}`)).json().status).toBe('completed');
        expect((await api.read('patients', goneId)).statusCode).toBe(410);
        expect((await api.read('patients', keptId, '?reveal=ssn')).json().fields.ssn).toBe(kept.ssn);
      });

      it('refuses new data for the erased subject and keeps the erasure idempotent', async () => {
        expect((await api.create('patients', patient(13), 'person-gone')).json().error.code).toBe(
          'SUBJECT_ERASED',
        );
        expect((await api.erase('person-gone')).json()).toMatchObject({
          records: 0,
          tokens: 0,
          already_erased: true,
        });
      });

      it('refuses a body that is not one subject id, naming the field and never echoing the value', async () => {
        const secret = 'person-secret-Zq81';
        const cases: Array<[unknown, string]> = [
          [{}, 'body.subject'],
          [{ subject: '' }, 'body.subject'],
          [{ subject: `${secret}\u0007` }, 'body.subject'],
          [{ subject: `${secret}${'x'.repeat(256)}` }, 'body.subject'],
          [{ subject: 42 }, 'body.subject'],
          [{ subject: 'person-kept', also: secret }, 'body.also'],
        ];
        for (const [body, field] of cases) {
          const response = await api.call('POST', '/v1/subjects/erase', body);
          expect(response.statusCode, field).toBe(400);
          expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field });
          expect(response.body).not.toContain(secret);
        }
        // Nothing was erased by the refused calls.
        expect((await api.read('patients', keptId)).statusCode).toBe(200);
      });

      it('still erases through the deprecated path form, announcing its successor on every answer', async () => {
        const announced = {
          deprecation: '@1796256000',
          sunset: 'Thu, 03 Jun 2027 00:00:00 GMT',
          link: '</v1/subjects/erase>; rel="successor-version"',
        };
        const id = (await api.create('patients', patient(14), 'person by path')).json().id as string;
        const byPath = (subject: string) =>
          api.call('POST', `/v1/subjects/${encodeURIComponent(subject)}/erase`);
        const erased = await byPath('person by path');
        expect(erased.statusCode, erased.body).toBe(200);
        expect(erased.json()).toMatchObject({ records: 1, already_erased: false });
        expect(erased.headers).toMatchObject(announced);
        expect((await api.read('patients', id)).statusCode).toBe(410);
        // Both forms name the same subject: the body form sees the erasure as done.
        expect((await api.erase('person by path')).json()).toMatchObject({ already_erased: true });
        const refused = await t.app.inject({ method: 'POST', url: '/v1/subjects/anyone/erase' });
        expect(refused.statusCode).toBe(401);
        expect(refused.headers).toMatchObject(announced);
        expect((await api.erase('person-never-stored')).headers.deprecation).toBeUndefined();
      });

      it('never puts the subject id or its values into the audit trail', async () => {
        const { events } = await t.services.audit.query({}, 1000);
        const dump = JSON.stringify(events);
        expect(events.some((e: { action: string }) => e.action === 'subject.erase')).toBe(true);
        for (const value of ['person-gone', gone.email, gone.ssn, gone.name, 'person-kept', kept.ssn]) {
          expect(dump).not.toContain(value);
        }
      });
    },
  );
}
