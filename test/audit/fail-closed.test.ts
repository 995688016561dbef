/**
 * Guarantee: the vault fails closed on its audit trail. While the trail cannot be written, every sensitive
 * endpoint (record read, list, search, create, update, delete, tokenize, detokenize, erase, key rotation) answers
 * 503 AUDIT_UNAVAILABLE, no data change happens (checked in the database), refusals are still refused, the failure
 * is reported (log, /readyz 503), and /healthz and login keep working. Once the trail is repaired everything works
 * again and the chain verifies, with no event for what was refused.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStoredChain } from '../../src/services/audit/index.js';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';
import { renameTable } from './helpers.js';

const kinds = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

function expectUnavailable(response: LightMyRequestResponse, ...values: string[]) {
  expect(response.statusCode, response.body).toBe(503);
  expect(response.json()).toMatchObject({ error: { code: 'AUDIT_UNAVAILABLE' } });
  for (const value of values) expect(response.body).not.toContain(value);
}

describe.each(kinds)('fail closed on the audit trail (%s)', (database) => {
  let t: TestApp;
  let admin: ReturnType<typeof vaultApi>;
  let owner: Awaited<ReturnType<typeof loggedInUser>>;
  let api: ReturnType<typeof vaultApi>;
  let other: ReturnType<typeof vaultApi>;
  const values = patient(5);
  const subject = `fail-closed-${randomBytes(4).toString('hex')}`;
  let id = '';
  let token = '';

  /** What the data tables hold, for before/after comparisons. */
  async function snapshot() {
    const db = t.services.database.db;
    const [records, tokens, jobs, dataKeys, erasures, subjects] = await Promise.all([
      db.selectFrom('records').selectAll().orderBy('id').execute(),
      db.selectFrom('tokens').select(['id', 'token_hash']).orderBy('id').execute(),
      db.selectFrom('key_jobs').select(['id', 'status']).orderBy('id').execute(),
      db.selectFrom('data_keys').select(['key_id', 'version', 'destroyed_at']).orderBy('key_id').execute(),
      db.selectFrom('erasures').select('id').execute(),
      db.selectFrom('subjects').select(['subject_hash', 'erased_at']).orderBy('subject_hash').execute(),
    ]);
    return JSON.stringify({ records, tokens, jobs, dataKeys, erasures, subjects });
  }

  const verify = () => verifyStoredChain(t.services.persistence.stores.audit);

  beforeAll(async () => {
    t = await createTestApp({ database });
    admin = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
    expect((await admin.createCollection('patients')).statusCode).toBe(201);
    owner = await loggedInUser(t);
    api = vaultApi(t, owner.headers);
    other = vaultApi(t, (await loggedInUser(t)).headers);
    const created = await api.create('patients', values, subject);
    expect(created.statusCode, created.body).toBe(201);
    id = (created.json() as { id: string }).id;
    const tokenized = await api.call('POST', '/v1/tokens', {
      kind: 'random',
      source: { collection: 'patients', record: id, field: 'ssn' },
    });
    expect(tokenized.statusCode, tokenized.body).toBe(201);
    token = (tokenized.json() as { token: string }).token;
  });
  afterAll(() => t?.close());

  it('answers 503 AUDIT_UNAVAILABLE to every sensitive endpoint, changes nothing, and recovers', async () => {
    const before = await snapshot();
    const seqBefore = (await t.services.audit.query({}, 10_000)).events.length;
    await renameTable(t, 'audit_events', 'audit_events_gone');
    try {
      // Reads: nothing leaves without its event.
      expectUnavailable(await api.read('patients', id, '?reveal=ssn'), values.ssn);
      expectUnavailable(await api.read('patients', id), values.tenant_id);
      expectUnavailable(await api.list('patients'), values.tenant_id);
      expectUnavailable(await api.search('patients', { where: { email: values.email } }), values.email);
      expectUnavailable(await api.call('POST', '/v1/tokens/detokenize', { tokens: [token] }), values.ssn);

      // Writes: refused, and rolled back.
      expectUnavailable(await api.create('patients', { ...patient(6), tenant_id: 'never_written' }));
      expectUnavailable(await api.patch('patients', id, { ssn: '234-56-7890', age: 99 }));
      expectUnavailable(await api.remove('patients', id));
      expectUnavailable(
        await api.call('POST', '/v1/tokens', {
          kind: 'deterministic',
          source: { collection: 'patients', record: id, field: 'email' },
        }),
      );
      expectUnavailable(
        await api.call('POST', '/v1/tokens', { kind: 'random', type: 'ssn', value: values.ssn }),
      );
      expectUnavailable(await admin.erase(subject));
      expectUnavailable(
        await admin.call('POST', '/v1/keys/rotate', { target: 'collection', collection: 'patients' }),
      );
      expect(await snapshot()).toBe(before);

      // A refusal is still a refusal (sent even though its event could not be written), and is reported.
      const refused = await other.read('patients', id, '?reveal=ssn');
      expect(refused.statusCode).toBe(403);
      expect(refused.body).not.toContain(values.ssn);
      expect(t.logs.some((line) => line.includes('refusal could not be audited'))).toBe(true);

      // Liveness and login keep working; readiness and the log report the failure.
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503);
      expect(t.logs.some((line) => line.includes('audit trail unavailable'))).toBe(true);
      const late = await loggedInUser(t);
      expect(late.tokens.access_token).toBeTruthy();
    } finally {
      await renameTable(t, 'audit_events_gone', 'audit_events');
    }

    await t.services.audit.tick();
    expect(t.services.audit.isHealthy()).toBe(true);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    // Nothing was recorded while the trail was down: no event for what was refused.
    expect((await t.services.audit.query({}, 10_000)).events.length).toBe(seqBefore);
    expect(await verify()).toMatchObject({ ok: true });

    // Everything works again.
    const read = await api.read('patients', id, '?reveal=ssn');
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().fields.ssn).toBe(values.ssn);
    expect((await api.list('patients')).statusCode).toBe(200);
    const found = await api.search('patients', { where: { email: values.email } });
    expect(found.json().records.map((r: { id: string }) => r.id)).toEqual([id]);
    const created = await api.create('patients', { ...patient(6), tenant_id: 'written_now' });
    expect(created.statusCode, created.body).toBe(201);
    const fresh = (created.json() as { id: string }).id;
    expect((await api.patch('patients', fresh, { age: 50 })).statusCode).toBe(200);
    const detokenized = await api.call('POST', '/v1/tokens/detokenize', { tokens: [token] });
    expect(detokenized.json()).toMatchObject({ values: [{ token, value: values.ssn }] });
    expect((await api.remove('patients', fresh)).statusCode).toBe(204);
    const rotated = await admin.call('POST', '/v1/keys/rotate', {
      target: 'collection',
      collection: 'patients',
    });
    expect(rotated.statusCode, rotated.body).toBe(202);
    expect((await admin.erase(subject)).statusCode).toBe(200);
    expect((await api.read('patients', id)).json()).toMatchObject({ error: { code: 'SUBJECT_ERASED' } });

    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: true });
    const actions = (await t.services.audit.query({ afterSeq: seqBefore }, 1000)).events.map((e) => e.action);
    for (const action of [
      'record.read',
      'record.list',
      'record.search',
      'record.create',
      'record.update',
      'record.detokenize',
      'record.delete',
      'key.rotate',
      'subject.erase',
    ]) {
      expect(actions).toContain(action);
    }
  });
});
