/**
 * Guarantee: every data access through the API — read, list, search, create, update, delete, tokenize,
 * detokenize, erase, key rotation — is recorded as audit events (one per returned record for lists and searches)
 * naming the actor, action, resource (collection, record id, field names), purpose, outcome, request id and client
 * address, and never a value: not a field value, not the subject id, not a searched value. Refusals are `denied`
 * events. The hash chain verifies afterwards, and neither the stored rows, nor the JSONL export, nor the mirror
 * file hold a value.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainedEvent } from '../../src/audit/index.js';
import { readStoredChain, toJsonlLine, verifyStoredChain } from '../../src/services/audit/index.js';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { PATIENT_FIELDS } from '../helpers/vault.js';

const CLIENT = '192.0.2.44';
const hex = () => randomBytes(5).toString('hex');

const kinds = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

describe.each(kinds)('data access audit events (%s)', (database) => {
  let t: TestApp;
  const mirrorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-data-events-'));
  const mirrorFile = path.join(mirrorDir, 'audit.jsonl');
  let admin: Awaited<ReturnType<typeof loggedInUser>>;
  let owner: Awaited<ReturnType<typeof loggedInUser>>;
  let other: Awaited<ReturnType<typeof loggedInUser>>;
  /** Every value that must never reach the audit trail. */
  const values: string[] = [];
  const subject = `canary-subject-${hex()}`;
  const record = {
    name: `Canaryname Q${hex()}`,
    email: `canary${hex()}@example.com`,
    ssn: '219-09-9999',
    card: '4111111111111111',
    phone: '+14155550199',
    tenant_id: `tenant_${hex()}`,
    age: 41,
  };
  let id = '';
  let token = '';

  type Who = { headers: Record<string, string> };
  function call(
    who: Who,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    purpose: string | null = 'support',
  ) {
    return t.app.inject({
      method,
      url,
      remoteAddress: CLIENT,
      headers: purpose === null ? who.headers : { ...who.headers, 'x-access-purpose': purpose },
      ...(payload === undefined ? {} : { payload }),
    });
  }

  async function headSeq(): Promise<number> {
    const rows = await t.services.database.db.selectFrom('audit_events').select('seq').execute();
    return Math.max(0, ...rows.map((r) => Number(r.seq)));
  }

  /** Runs `action` and returns its response with every audit event it produced. */
  async function audited(action: () => Promise<LightMyRequestResponse>) {
    const before = await headSeq();
    const response = await action();
    const { events } = await t.services.audit.query({ afterSeq: before }, 100);
    return { response, events };
  }

  function common(response: LightMyRequestResponse, actor: Who & { id: string }) {
    return {
      actor: `user:${actor.id}`,
      requestId: response.headers['x-request-id'],
      clientAddress: CLIENT,
    };
  }

  async function stored(): Promise<string> {
    const rows = await t.services.database.db.selectFrom('audit_events').selectAll().execute();
    return JSON.stringify(rows);
  }

  /** Everything the database holds: the raw SQLite files, or every row of every PostgreSQL table. */
  async function databaseText(): Promise<string> {
    if (t.services.database.kind === 'sqlite') {
      return ['', '-wal', '-shm']
        .map((suffix) => `${t.config.sqlitePath}${suffix}`)
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('latin1'))
        .join('\n');
    }
    const db = t.services.database.db;
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema()`.execute(db);
    const dumps = await Promise.all(
      rows.map((r) => sql`select * from ${sql.table(r.table_name)}`.execute(db)),
    );
    return dumps.map((d) => JSON.stringify(d.rows)).join('\n');
  }

  beforeAll(async () => {
    t = await createTestApp({ database, flags: { auditMirrorFile: mirrorFile } });
    admin = await loggedInUser(t, ['admin']);
    owner = await loggedInUser(t);
    other = await loggedInUser(t);
    const created = await call(admin, 'POST', '/v1/collections', {
      name: 'patients',
      fields: PATIENT_FIELDS,
    });
    expect(created.statusCode, created.body).toBe(201);
    values.push(record.name, record.email, record.ssn, record.card, record.phone, record.tenant_id, subject);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(mirrorDir, { recursive: true, force: true });
  });

  it('create: one record.create event with the written field names', async () => {
    const { response, events } = await audited(() =>
      call(owner, 'POST', '/v1/collections/patients/records', { fields: record, subject }),
    );
    expect(response.statusCode, response.body).toBe(201);
    id = (response.json() as { id: string }).id;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      ...common(response, owner),
      action: 'record.create',
      resource: { collection: 'patients', recordId: id },
      purpose: 'support',
      outcome: 'allowed',
    });
    expect([...(events[0]?.resource.fields ?? [])].sort()).toEqual(Object.keys(record).sort());
  });

  it('read: one record.read event naming the fields that left (and the subject when revealed)', async () => {
    const { response, events } = await audited(() =>
      call(owner, 'GET', `/v1/collections/patients/records/${id}?reveal=ssn,subject`),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(events).toEqual([
      expect.objectContaining({
        ...common(response, owner),
        action: 'record.read',
        resource: {
          collection: 'patients',
          recordId: id,
          fields: [...PATIENT_FIELDS.map((f) => f.name), 'subject'],
        },
        purpose: 'support',
        outcome: 'allowed',
      }),
    ]);
    // Without a purpose only the non-sensitive fields leave, and the event says so (and has no purpose).
    const quiet = await audited(() =>
      call(owner, 'GET', `/v1/collections/patients/records/${id}`, undefined, null),
    );
    expect(quiet.response.statusCode).toBe(200);
    expect(quiet.events).toHaveLength(1);
    expect(quiet.events[0]?.resource.fields).toEqual(['tenant_id', 'age']);
    expect(quiet.events[0]).not.toHaveProperty('purpose');
  });

  it('list: one record.list event per returned record, or one naming the filter when none is', async () => {
    const { response, events } = await audited(() =>
      call(owner, 'GET', `/v1/collections/patients/records?filter.tenant_id=${record.tenant_id}`),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(events).toEqual([
      expect.objectContaining({
        ...common(response, owner),
        action: 'record.list',
        resource: expect.objectContaining({ collection: 'patients', recordId: id }),
        purpose: 'support',
        outcome: 'allowed',
      }),
    ]);
    const none = await audited(() =>
      call(owner, 'GET', '/v1/collections/patients/records?filter.tenant_id=nobody_here'),
    );
    expect((none.response.json() as { records: unknown[] }).records).toEqual([]);
    expect(none.events).toEqual([
      expect.objectContaining({
        action: 'record.list',
        resource: { collection: 'patients', fields: ['tenant_id'] },
        outcome: 'allowed',
      }),
    ]);
  });

  it('search: one record.search event per match; the searched value is stored nowhere in the trail', async () => {
    const found = await audited(() =>
      call(owner, 'POST', '/v1/collections/patients/records/search', { where: { email: record.email } }),
    );
    expect(found.response.statusCode, found.response.body).toBe(200);
    expect(found.events).toEqual([
      expect.objectContaining({
        ...common(found.response, owner),
        action: 'record.search',
        resource: expect.objectContaining({ collection: 'patients', recordId: id }),
        purpose: 'support',
        outcome: 'allowed',
      }),
    ]);
    const missing = `nobody${hex()}@example.com`;
    values.push(missing);
    const none = await audited(() =>
      call(owner, 'POST', '/v1/collections/patients/records/search', { where: { email: missing } }),
    );
    expect(none.response.statusCode).toBe(200);
    expect(none.events).toEqual([
      expect.objectContaining({
        ...common(none.response, owner),
        action: 'record.search',
        resource: { collection: 'patients', fields: ['email'] },
        outcome: 'allowed',
      }),
    ]);
    const dump = await stored();
    for (const form of [missing, missing.toUpperCase(), record.email]) expect(dump).not.toContain(form);
    // Not stored anywhere else either, not even in clear in the database files.
    expect(await databaseText()).not.toContain(missing);
  });

  it('update: one record.update event naming the changed fields', async () => {
    const newSsn = '219-09-9988';
    values.push(newSsn);
    const { response, events } = await audited(() =>
      call(owner, 'PATCH', `/v1/collections/patients/records/${id}`, { fields: { ssn: newSsn, age: null } }),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      ...common(response, owner),
      action: 'record.update',
      resource: { collection: 'patients', recordId: id },
      purpose: 'support',
      outcome: 'allowed',
    });
    expect([...(events[0]?.resource.fields ?? [])].sort()).toEqual(['age', 'ssn']);
  });

  it('tokenize and detokenize: one event each, naming the source field; an unusable token is denied', async () => {
    const tokenized = await audited(() =>
      call(owner, 'POST', '/v1/tokens', {
        kind: 'random',
        source: { collection: 'patients', record: id, field: 'ssn' },
      }),
    );
    expect(tokenized.response.statusCode, tokenized.response.body).toBe(201);
    token = (tokenized.response.json() as { token: string }).token;
    expect(tokenized.events).toEqual([
      expect.objectContaining({
        ...common(tokenized.response, owner),
        action: 'record.tokenize',
        resource: { collection: 'patients', recordId: id, fields: ['ssn'] },
        purpose: 'support',
        outcome: 'allowed',
      }),
    ]);

    const free = await audited(() =>
      call(other, 'POST', '/v1/tokens', { kind: 'random', type: 'email', value: record.email }),
    );
    expect(free.response.statusCode, free.response.body).toBe(201);
    const othersToken = (free.response.json() as { token: string }).token;
    expect(free.events).toEqual([
      expect.objectContaining({
        ...common(free.response, other),
        action: 'record.tokenize',
        resource: { fields: ['email'] },
        outcome: 'allowed',
      }),
    ]);

    const detokenized = await audited(() =>
      call(owner, 'POST', '/v1/tokens/detokenize', { tokens: [token, othersToken] }),
    );
    expect(detokenized.response.statusCode, detokenized.response.body).toBe(200);
    expect((detokenized.response.json() as { values: unknown[] }).values).toEqual([
      { token, type: 'ssn', value: '219-09-9988' },
      { token: othersToken, error: 'TOKEN_NOT_FOUND' },
    ]);
    expect(detokenized.events).toHaveLength(2);
    expect(detokenized.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ...common(detokenized.response, owner),
          action: 'record.detokenize',
          resource: { recordId: id, fields: ['ssn'] },
          purpose: 'support',
          outcome: 'allowed',
        }),
        expect.objectContaining({
          ...common(detokenized.response, owner),
          action: 'record.detokenize',
          resource: {},
          outcome: 'denied',
        }),
      ]),
    );
  });

  it("token delete: one token.delete event per deleted row; someone else's token is one denied event", async () => {
    const made = await call(owner, 'POST', '/v1/tokens', {
      kind: 'random',
      source: { collection: 'patients', record: id, field: 'email' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const doomed = (made.json() as { token: string }).token;
    const refused = await audited(() => call(other, 'POST', '/v1/tokens/delete', { token: doomed }));
    expect(refused.response.statusCode).toBe(404);
    expect(refused.events).toEqual([
      expect.objectContaining({
        ...common(refused.response, other),
        action: 'token.delete',
        outcome: 'denied',
      }),
    ]);
    const deleted = await audited(() => call(owner, 'POST', '/v1/tokens/delete', { token: doomed }));
    expect(deleted.response.statusCode, deleted.response.body).toBe(204);
    expect(deleted.events).toEqual([
      expect.objectContaining({
        ...common(deleted.response, owner),
        action: 'token.delete',
        resource: { recordId: id, fields: ['email'] },
        outcome: 'allowed',
      }),
    ]);
    expect(JSON.stringify([...refused.events, ...deleted.events])).not.toContain(doomed);
  });

  it('refusals: a denied read or update is one denied event, and changes nothing', async () => {
    const reveal = await audited(() =>
      call(other, 'GET', `/v1/collections/patients/records/${id}?reveal=ssn`),
    );
    expect(reveal.response.statusCode).toBe(403);
    expect(reveal.events).toEqual([
      expect.objectContaining({
        ...common(reveal.response, other),
        action: 'record.read',
        resource: { collection: 'patients', recordId: id },
        purpose: 'support',
        outcome: 'denied',
      }),
    ]);

    const noPurpose = await audited(() =>
      call(other, 'GET', `/v1/collections/patients/records/${id}?reveal=ssn`, undefined, null),
    );
    expect(noPurpose.response.json()).toMatchObject({ error: { code: 'PURPOSE_REQUIRED' } });
    expect(noPurpose.events).toEqual([
      expect.objectContaining({
        action: 'record.read',
        outcome: 'denied',
        resource: { collection: 'patients', recordId: id },
      }),
    ]);
    expect(noPurpose.events[0]).not.toHaveProperty('purpose');

    const unknown = await audited(() =>
      call(other, 'GET', `/v1/collections/patients/records/${id}`, undefined, 'marketing'),
    );
    expect(unknown.response.json()).toMatchObject({ error: { code: 'PURPOSE_UNKNOWN' } });
    expect(unknown.events).toEqual([expect.objectContaining({ action: 'record.read', outcome: 'denied' })]);
    expect(unknown.events[0]).not.toHaveProperty('purpose');

    const patch = await audited(() =>
      call(other, 'PATCH', `/v1/collections/patients/records/${id}`, { fields: { age: 1 } }),
    );
    expect(patch.response.statusCode).toBe(403);
    expect(patch.events).toEqual([
      expect.objectContaining({
        ...common(patch.response, other),
        action: 'record.update',
        resource: { collection: 'patients', recordId: id },
        outcome: 'denied',
      }),
    ]);
    const row = await t.services.database.db
      .selectFrom('records')
      .select(['revision'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(row.revision)).toBe(2);
  });

  it('delete: one record.delete event', async () => {
    const created = await call(owner, 'POST', '/v1/collections/patients/records', {
      fields: { ...record, tenant_id: 'to_delete' },
    });
    const doomed = (created.json() as { id: string }).id;
    const { response, events } = await audited(() =>
      call(owner, 'DELETE', `/v1/collections/patients/records/${doomed}`),
    );
    expect(response.statusCode).toBe(204);
    expect(events).toEqual([
      expect.objectContaining({
        ...common(response, owner),
        action: 'record.delete',
        resource: { collection: 'patients', recordId: doomed, fields: [] },
        purpose: 'support',
        outcome: 'allowed',
      }),
    ]);
  });

  it('erase: one subject.erase event naming the keyed HMAC of the subject, never the subject', async () => {
    const { response, events } = await audited(() =>
      call(admin, 'POST', '/v1/subjects/erase', { subject }, 'data_subject_request'),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(events).toEqual([
      expect.objectContaining({
        ...common(response, admin),
        action: 'subject.erase',
        resource: {},
        subject: `hmac:${Buffer.from(t.services.subjects.hash(subject), 'base64url').toString('hex')}`,
        purpose: 'data_subject_request',
        outcome: 'allowed',
      }),
    ]);
    // Idempotent: erasing again changes nothing and records nothing new about it.
    const again = await audited(() =>
      call(admin, 'POST', '/v1/subjects/erase', { subject }, 'data_subject_request'),
    );
    expect(again.response.json()).toMatchObject({ already_erased: true });
    expect(again.events.filter((e) => e.action === 'subject.erase')).toHaveLength(0);
  });

  it('a refused key rotation is one denied key.rotate event', async () => {
    const { response, events } = await audited(() =>
      call(owner, 'POST', '/v1/keys/rotate', { target: 'collection', collection: 'patients' }),
    );
    expect(response.statusCode).toBe(403);
    expect(events).toEqual([
      expect.objectContaining({ ...common(response, owner), action: 'key.rotate', outcome: 'denied' }),
    ]);
  });

  it('a refused erase is one denied subject.erase event, without the subject id', async () => {
    const { response, events } = await audited(() =>
      call(owner, 'POST', '/v1/subjects/erase', { subject }, 'data_subject_request'),
    );
    expect(response.statusCode).toBe(403);
    expect(events).toEqual([
      expect.objectContaining({ ...common(response, owner), action: 'subject.erase', outcome: 'denied' }),
    ]);
    expect(JSON.stringify(events)).not.toContain(subject);
  });

  it('key rotation: one key.rotate event naming the collection and the job', async () => {
    const { response, events } = await audited(() =>
      call(admin, 'POST', '/v1/keys/rotate', { target: 'collection', collection: 'patients' }),
    );
    expect(response.statusCode, response.body).toBe(202);
    const job = (response.json() as { job: { id: string } }).job.id;
    expect(events.filter((e) => e.action === 'key.rotate')).toEqual([
      expect.objectContaining({
        ...common(response, admin),
        action: 'key.rotate',
        resource: { collection: 'patients', recordId: `job:${job}` },
        purpose: 'support',
        outcome: 'allowed',
      }),
    ]);
  });

  it('leaves a chain that verifies, and no value in the rows, the JSONL export or the mirror', async () => {
    expect(await verifyStoredChain(t.services.persistence.stores.audit)).toMatchObject({
      ok: true,
      from: 1,
    });
    const exported: string[] = [];
    for await (const event of readStoredChain(t.services.persistence.stores.audit)) {
      exported.push(toJsonlLine(event as ChainedEvent));
    }
    await t.services.audit.tick();
    const mirrored = fs.readFileSync(mirrorFile, 'utf8');
    expect(mirrored.trim().split('\n')).toHaveLength(exported.length);
    const dump = [await stored(), exported.join(''), mirrored].join('\n');
    expect(dump).toContain('record.read');
    expect(dump).toContain(id);
    for (const value of [...values, token])
      expect(dump, 'a value reached the audit trail').not.toContain(value);
    // Masked forms leave no trace either.
    for (const masked of ['***-**-9999', '**** **** **** 1111']) expect(dump).not.toContain(masked);
  });
});
