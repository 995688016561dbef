/**
 * Key rotation through the API: a collection's data key, its blind index key and the master key, with reads and
 * writes during the job, on SQLite and (when STRONGROOM_DATABASE_URL is set) PostgreSQL.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../src/services/index.js';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

const RECORDS = 300;
// Small batches and real pauses, so that the job is still running while the test reads and writes.
const flags = { keyJobBatchSize: 20, keyJobPauseMs: 5, keyJobSettleMs: 0 };

interface Job {
  id: string;
  kind: string;
  status: string;
  total: number;
  done: number;
  from_version: number;
  to_version: number;
}

async function waitForJob(api: ReturnType<typeof vaultApi>, id: string): Promise<Job[]> {
  const seen: Job[] = [];
  for (let i = 0; i < 2000; i++) {
    const job = (await api.call('GET', `/v1/keys/jobs/${id}`)).json() as Job;
    seen.push(job);
    if (job.status !== 'running') return seen;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the key job did not finish');
}

function expectMonotonic(seen: Job[]): void {
  for (let i = 1; i < seen.length; i++) expect(seen[i]?.done).toBeGreaterThanOrEqual(seen[i - 1]?.done ?? 0);
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(`key rotation (${database})`, () => {
    let t: TestApp;
    let admin: ReturnType<typeof vaultApi>;
    const ids: string[] = [];

    beforeAll(async () => {
      t = await createTestApp({ database, flags });
      admin = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
      expect((await admin.createCollection('patients')).statusCode).toBe(201);
      const collection = await t.services.collections.get('patients');
      const caller = systemCaller('seed', ['admin'], 'support');
      for (let n = 1; n <= RECORDS; n++) {
        ids.push((await t.services.records.create(caller, collection, { fields: patient(n) })).id);
      }
    }, 60_000);
    afterAll(() => t?.close());

    const keyRow = async (keyId: string, version: number) =>
      t.services.stores.keys.findDataKey(keyId, version);

    it('rotates a collection key while serving reads and writes, then retires the old version', async () => {
      const collection = await t.services.collections.get('patients');
      const started = await admin.call('POST', '/v1/keys/rotate', {
        target: 'collection',
        collection: 'patients',
      });
      expect(started.statusCode).toBe(202);
      const job = (started.json() as { job: Job }).job;
      expect(job).toMatchObject({ kind: 'collection', status: 'running', from_version: 1, to_version: 2 });
      expect(job.total).toBe(RECORDS);

      // A second rotation of the same key while the job runs is refused.
      const again = await admin.call('POST', '/v1/keys/rotate', {
        target: 'collection',
        collection: 'patients',
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('KEY_JOB_RUNNING');

      // During the job: reads of old and new records, updates and new records all work.
      const during: Array<Promise<number>> = [];
      for (let i = 0; i < 30; i++) {
        const id = ids[(i * 37) % ids.length] as string;
        during.push(admin.read('patients', id, '?reveal=ssn').then((r) => r.statusCode));
        during.push(admin.patch('patients', id, { age: 99 }).then((r) => r.statusCode));
        during.push(admin.create('patients', patient(10_000 + i)).then((r) => r.statusCode));
      }
      const created = await admin.create('patients', patient(5000));
      const { id: newId } = created.json() as { id: string };
      const fresh = await t.services.stores.records.find(collection.id, newId);
      expect(fresh?.keyVersion).toBe(2);
      const statuses = await Promise.all(during);
      expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);

      const seen = await waitForJob(admin, job.id);
      expectMonotonic(seen);
      const finished = seen[seen.length - 1] as Job;
      expect(finished.status).toBe('completed');
      expect(finished.done).toBe(finished.total);
      expect(await t.services.stores.recordQueries.countUnderOldKey(collection.keyId, 2)).toBe(0);
      const old = await keyRow(collection.keyId, 1);
      expect(old?.wrapped).toBe('');
      expect(old?.retiredAt).not.toBeNull();

      // Every record decrypts, under the new version.
      let cursor: string | null = null;
      let count = 0;
      do {
        const query: string = `?reveal=ssn,name&limit=200${cursor === null ? '' : `&cursor=${cursor}`}`;
        const page = (await admin.list('patients', query)).json() as {
          records: Array<{ fields: { ssn: string } }>;
          next_cursor: string | null;
        };
        for (const record of page.records) expect(record.fields.ssn).toMatch(/^\d{3}-\d{2}-\d{4}$/);
        count += page.records.length;
        cursor = page.next_cursor;
      } while (cursor !== null);
      expect(count).toBe(RECORDS + 31);
    }, 60_000);

    it('rebuilds blind indexes when the index key rotates; search works during and after', async () => {
      const collection = await t.services.collections.get('patients');
      const started = await admin.call('POST', '/v1/keys/rotate', {
        target: 'collection',
        collection: 'patients',
        index: true,
      });
      expect(started.statusCode).toBe(202);
      const job = (started.json() as { job: Job }).job;
      expect(job).toMatchObject({ kind: 'index', from_version: 1, to_version: 2 });
      const searchFinds = async (n: number) => {
        const found = await admin.search('patients', { where: { email: `jane.${n}@example.com` } });
        return (found.json() as { records: unknown[] }).records.length;
      };
      const during = await Promise.all([1, 50, 150, 299].map(searchFinds));
      expect(during).toEqual([1, 1, 1, 1]);
      const seen = await waitForJob(admin, job.id);
      expectMonotonic(seen);
      expect(seen[seen.length - 1]?.status).toBe('completed');
      expect(await t.services.stores.recordQueries.countWithOldIndex(collection.id, 2)).toBe(0);
      expect((await keyRow(collection.indexKeyId, 1))?.wrapped).toBe('');
      expect(await Promise.all([1, 50, 150, 299].map(searchFinds))).toEqual([1, 1, 1, 1]);
    }, 60_000);

    it('rotates the master key: every data key is rewrapped, the old master retired, values still read', async () => {
      const started = await admin.call('POST', '/v1/keys/rotate', { target: 'master' });
      expect(started.statusCode).toBe(202);
      const job = (started.json() as { job: Job }).job;
      expect(job.kind).toBe('master');
      const seen = await waitForJob(admin, job.id);
      expect(seen[seen.length - 1]?.status).toBe('completed');
      const masters = await t.services.stores.keys.listMasterKeys();
      const newest = masters[masters.length - 1];
      expect(newest?.version).toBe(job.to_version);
      for (const master of masters.slice(0, -1)) expect(master.wrapped).toBe('');
      expect(await t.services.stores.keys.countWrappedBelow(job.to_version)).toBe(0);
      // A fresh process (no cached keys) still opens everything: reload through a new key service.
      t.services.keyService.forget((await t.services.collections.get('patients')).keyId);
      const read = await admin.read('patients', ids[0] as string, '?reveal=ssn');
      expect(read.json().fields.ssn).toBe('123-45-0001');
    }, 60_000);

    it('refuses bad input with typed errors', async () => {
      const unknown = await admin.call('POST', '/v1/keys/rotate', {
        target: 'collection',
        collection: 'nope',
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('COLLECTION_NOT_FOUND');
      for (const body of [
        { target: 'everything' },
        { target: 'collection' },
        { target: 'master', collection: 'patients' },
        { target: 'master', index: true },
      ]) {
        const bad = await admin.call('POST', '/v1/keys/rotate', body);
        expect(bad.statusCode, JSON.stringify(body)).toBe(400);
        expect(bad.json().error.code).toBe('VALIDATION_FAILED');
      }
      const missing = await admin.call('GET', '/v1/keys/jobs/00000000-0000-4000-8000-000000000000');
      expect(missing.json().error.code).toBe('KEY_JOB_NOT_FOUND');
      const user = vaultApi(t, (await loggedInUser(t)).headers);
      expect((await user.call('POST', '/v1/keys/rotate', { target: 'master' })).statusCode).toBe(403);
      expect((await user.call('GET', '/v1/keys/jobs')).statusCode).toBe(403);
      const listed = (await admin.call('GET', '/v1/keys/jobs')).json() as { jobs: Job[] };
      expect(listed.jobs.map((j) => j.kind)).toEqual(['master', 'index', 'collection']);
    });
  });
}
