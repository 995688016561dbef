/**
 * Canary test for encrypted records: sensitive values written, searched, patched and refused through the API never
 * appear in the stored bytes (raw SQLite files, every row of every PostgreSQL table), in any log line (trace level),
 * or in any response except one that asked for them in plain; subject ids, of records and of users alike, are
 * stored only as keyed HMACs. After a subject is erased, nothing that held its data — its wrapped data key, its
 * ciphertexts, blind indexes, its sealed id on records and on the user linked to it — is left in the database
 * file, its WAL or its shm file (SQLite), or in any row (PostgreSQL), and the user no longer shows the id.
 */
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import { passesLuhn } from '@strongroom/redact';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { vaultApi } from '../helpers/vault.js';

const hex = () => randomBytes(6).toString('hex');

function randomSsn(): string {
  const area = String(randomInt(1, 666)).padStart(3, '0');
  return `${area}-${String(randomInt(10, 99))}-${String(randomInt(1000, 9999))}`;
}

function randomCard(): string {
  for (;;) {
    const digits = `4${Array.from({ length: 15 }, () => randomInt(0, 10)).join('')}`;
    if (passesLuhn(digits)) return digits;
  }
}

function canaryRecord() {
  return {
    name: `Canaryname Q${hex()}`,
    email: `canary${hex()}@example.com`,
    ssn: randomSsn(),
    card: randomCard(),
    phone: `+1415${String(randomInt(1_000_000, 9_999_999))}`,
    notes: `Canarynotes ${hex()} diagnosis`,
    tenant_id: 'acme',
  };
}

const FIELDS = [
  { name: 'name', type: 'name', sensitive: true },
  { name: 'email', type: 'email', sensitive: true, searchable: true },
  { name: 'ssn', type: 'ssn', sensitive: true, searchable: true },
  { name: 'card', type: 'card_number', sensitive: true },
  { name: 'phone', type: 'phone', sensitive: true },
  { name: 'notes', type: 'text', sensitive: true },
  { name: 'tenant_id', type: 'string', required: true },
];

/** Everything stored of `subject` that erasure must remove: wrapped key, ciphertexts, indexes, sealed ids. */
async function storedOfSubject(t: TestApp, subject: string, userId: string): Promise<string[]> {
  const db = t.services.database.db;
  const hash = t.services.subjects.hash(subject);
  const records = await sql<{ id: string; sealed_fields: string; subject_sealed: string; key_id: string }>`
    select id, sealed_fields, subject_sealed, key_id from records where subject_hash = ${hash}`.execute(db);
  const [record] = records.rows;
  expect(record).toBeDefined();
  if (record === undefined) return [];
  const keys = await sql<{ wrapped: string }>`
    select wrapped from data_keys where key_id = ${record.key_id}`.execute(db);
  const indexes = await sql<{ value: string }>`
    select value from blind_indexes where record_id = ${record.id}`.execute(db);
  // The HMAC itself stays (subjects, erasures and tombstones keep it, so the subject stays erased).
  const users = await sql<{ subject_sealed: string }>`
    select subject_sealed from users where id = ${userId}`.execute(db);
  const values = [
    ...Object.values(JSON.parse(record.sealed_fields) as Record<string, string>),
    record.subject_sealed,
    ...keys.rows.map((k) => k.wrapped),
    ...indexes.rows.map((i) => i.value),
    ...users.rows.map((u) => u.subject_sealed),
  ];
  expect(values.length).toBeGreaterThan(8);
  for (const value of values) expect(typeof value === 'string' && value.length).toBeGreaterThan(20);
  return values;
}

async function storedText(t: TestApp): Promise<string> {
  if (t.services.database.kind === 'sqlite') {
    const file = t.config.sqlitePath;
    return ['', '-wal', '-shm']
      .map((suffix) => `${file}${suffix}`)
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const db = t.services.database.db;
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema()`.execute(db);
  expect(rows.length).toBeGreaterThan(10);
  const dumps = await Promise.all(rows.map((r) => sql`select * from ${sql.table(r.table_name)}`.execute(db)));
  return dumps.map((d) => JSON.stringify(d.rows)).join('\n');
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `vault canaries (${database})`,
    () => {
      let t: TestApp;
      const secrets: string[] = [];
      const guarded: string[] = [];
      let erased: string[] = [];
      let erasedUserId = '';
      let erasedSubject = '';
      let adminHeaders: Record<string, string> = {};
      beforeAll(async () => {
        t = await createTestApp({ database, flags: { logLevel: 'trace' } });
        adminHeaders = (await loggedInUser(t, ['admin'])).headers;
        const api = vaultApi(t, adminHeaders);
        const call = async (...args: Parameters<typeof api.call>) => {
          const response = await api.call(...args);
          guarded.push(JSON.stringify(response.headers) + response.body);
          return response;
        };
        expect((await call('POST', '/v1/collections', { name: 'canaries', fields: FIELDS })).statusCode).toBe(
          201,
        );
        for (let i = 0; i < 3; i++) {
          const values = canaryRecord();
          const subject = `canary-subject-${hex()}`;
          secrets.push(
            values.name,
            values.email,
            values.ssn,
            values.card,
            values.phone,
            values.notes,
            subject,
          );
          const created = await call('POST', '/v1/collections/canaries/records', { fields: values, subject });
          expect(created.statusCode).toBe(201);
          const { id } = created.json() as { id: string };
          await call('GET', `/v1/collections/canaries/records/${id}`);
          await call('GET', `/v1/collections/canaries/records/${id}?redaction=redacted`);
          await call('POST', '/v1/collections/canaries/records/search', { where: { email: values.email } });
          await call('POST', '/v1/collections/canaries/records/search', { where: { ssn: values.ssn } });
          const patched = canaryRecord();
          secrets.push(patched.notes, patched.ssn);
          await call('PATCH', `/v1/collections/canaries/records/${id}`, {
            fields: { notes: patched.notes, ssn: patched.ssn },
          });
          // Plain reads are the one place values may leave: checked, not kept in `guarded`.
          const plain = await api.read('canaries', id, '?reveal=notes,ssn');
          expect(plain.json().fields).toMatchObject({ notes: patched.notes, ssn: patched.ssn });
        }
        // Refused input carrying values: unknown field, wrong type, bad shape, and a value as a field name.
        const refused = `Canaryrefused ${hex()}`;
        secrets.push(refused);
        await call('POST', '/v1/collections/canaries/records', {
          fields: { ...canaryRecord(), nickname: refused },
        });
        await call('POST', '/v1/collections/canaries/records', {
          fields: { ...canaryRecord(), notes: { refused } },
        });
        await call('POST', '/v1/collections/canaries/records', { fields: { [refused]: 1 } });
        await call('POST', '/v1/collections/canaries/records/search', { where: { phone: refused } });
        await call('POST', '/v1/collections/canaries/records/search', { where: { [refused]: 'x' } });
        await call('GET', '/v1/collections/canaries/records?filter.tenant_id=acme&limit=10');

        // A user who is one of the subjects: shown to an administrator, stored as HMAC and sealed copy only.
        erasedSubject = secrets[6] ?? '';
        const user = await api.call('POST', '/v1/users', {
          username: `canary${hex()}`,
          password: `Tr0ubadour-${hex()}-${hex()}`,
          subject: erasedSubject,
        });
        expect(user.statusCode, user.body).toBe(201);
        erasedUserId = (user.json() as { id: string }).id;
        expect((await api.call('GET', `/v1/users/${erasedUserId}`)).json()).toMatchObject({
          subject: erasedSubject,
        });
        erased = await storedOfSubject(t, erasedSubject, erasedUserId);
        const erasure = await call('POST', '/v1/subjects/erase', { subject: erasedSubject });
        expect(erasure.json()).toMatchObject({ records: 1, already_erased: false });
        await call('GET', `/v1/users/${erasedUserId}`);
      });
      afterAll(async () => {
        await t?.close();
      });

      it('stores no sensitive value or subject id in clear', async () => {
        const stored = await storedText(t);
        expect(stored).toContain('sr1:');
        for (const secret of secrets) expect(stored, 'a value reached storage').not.toContain(secret);
      });

      it('keeps nothing of an erased subject in the database file, its WAL or shm, and shows no id on its user', async () => {
        const stored = await storedText(t);
        for (const value of erased)
          expect(stored.includes(value), 'an erased value stayed stored').toBe(false);
        expect(stored).not.toContain(erasedSubject);
        const user = await t.app.inject({ url: `/v1/users/${erasedUserId}`, headers: adminHeaders });
        expect(user.json()).toMatchObject({ id: erasedUserId, subject: null });
      });

      it('logs no sensitive value or subject id', () => {
        const logs = t.logs.join('\n');
        expect(logs.length).toBeGreaterThan(1000);
        for (const secret of secrets) expect(logs, 'a value reached the logs').not.toContain(secret);
      });

      it('returns no value in a response that did not ask for it in plain', () => {
        const all = guarded.join('\n');
        for (const secret of secrets) expect(all, 'a value reached a response').not.toContain(secret);
      });
    },
  );
}
