/**
 * Issue 10: what a collection data key rotation moves when records have a subject. A record with a subject is
 * sealed under that subject's own data key (shared by the subject's records in every collection, destroyed to erase
 * the subject), not the collection's: the rotation re-encrypts, and counts, only the records without a subject, and
 * a collection whose records all have one has nothing to re-encrypt (total 0) and still completes, every record
 * readable and left on the key it was on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

interface Job {
  id: string;
  status: string;
  total: number;
  done: number;
}

describe('a collection data key rotation with records sealed under subject keys', () => {
  let t: TestApp;
  let admin: ReturnType<typeof vaultApi>;
  beforeAll(async () => {
    t = await createTestApp({ flags: { keyJobBatchSize: 20, keyJobPauseMs: 5, keyJobSettleMs: 0 } });
    admin = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
  });
  afterAll(() => t?.close());

  async function rotated(collection: string): Promise<{ started: Job; finished: Job }> {
    const response = await admin.call('POST', '/v1/keys/rotate', { target: 'collection', collection });
    expect(response.statusCode, response.body).toBe(202);
    const started = (response.json() as { job: Job }).job;
    for (let i = 0; i < 2000; i++) {
      const job = (await admin.call('GET', `/v1/keys/jobs/${started.id}`)).json() as Job;
      if (job.status !== 'running') return { started, finished: job };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the key job did not finish');
  }

  const keysOf = async (collection: string) => {
    const { id } = await t.services.collections.get(collection);
    return t.services.database.db
      .selectFrom('records')
      .select(['id', 'key_id', 'key_version'])
      .where('collection_id', '=', id)
      .orderBy('id')
      .execute();
  };

  it('counts only the records without a subject', async () => {
    expect((await admin.createCollection('mixed')).statusCode).toBe(201);
    for (let n = 1; n <= 3; n++)
      expect((await admin.create('mixed', patient(n), `member-${n}`)).statusCode).toBe(201);
    for (let n = 4; n <= 5; n++) expect((await admin.create('mixed', patient(n))).statusCode).toBe(201);
    const { keyId } = await t.services.collections.get('mixed');
    const { started, finished } = await rotated('mixed');
    expect(started.total).toBe(2);
    expect(finished).toMatchObject({ status: 'completed', total: 2, done: 2 });
    const rows = await keysOf('mixed');
    expect(rows.filter((r) => r.key_id === keyId).map((r) => r.key_version)).toEqual([2, 2]);
    expect(rows.filter((r) => r.key_id !== keyId).map((r) => r.key_version)).toEqual([1, 1, 1]);
  });

  it('has nothing to re-encrypt when every record has a subject, and completes', async () => {
    expect((await admin.createCollection('members')).statusCode).toBe(201);
    const ids: string[] = [];
    for (let n = 1; n <= 3; n++) {
      const created = await admin.create('members', patient(n), `member-${n}`);
      expect(created.statusCode).toBe(201);
      ids.push((created.json() as { id: string }).id);
    }
    const before = await keysOf('members');
    const { started, finished } = await rotated('members');
    expect(started.total).toBe(0);
    expect(finished).toMatchObject({ status: 'completed', total: 0, done: 0 });
    expect(await keysOf('members')).toEqual(before);
    for (const id of ids) expect((await admin.read('members', id)).statusCode).toBe(200);
  });
});
