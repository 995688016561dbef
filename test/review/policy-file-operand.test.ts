/**
 * Review (issue 13, finding 1): the HTTP edge refuses NUL and lone surrogates (text-guard.ts), but a policy file
 * loaded at start is not HTTP: a literal holding U+0000 in a row condition reached the list query, where
 * PostgreSQL refuses it (jsonb and text), and every list of the callers under that rule failed. It equals no
 * record: the page holds what the rule's other grants allow. On SQLite and (when STRONGROOM_DATABASE_URL is set)
 * PostgreSQL.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

const databases = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

function policy() {
  const document = defaultPolicyDocument();
  const read = (condition: object) => ({
    effect: 'allow',
    actions: ['read', 'search'],
    resources: ['collections/people', 'collections/people/**'],
    redaction: 'plain',
    condition,
  });
  return {
    ...document,
    roles: {
      ...document.roles,
      odd: { rules: [read({ tenant_id: { equals: 'a\u0000' } }), read({ age: { equals: 33 } })] },
    },
  };
}

describe.each(databases)('a policy file literal no stored value can hold (%s)', (database) => {
  let t: TestApp;
  let dir: string;
  let shown: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-review-policy-'));
    const file = path.join(dir, 'policy.json');
    await fs.writeFile(file, JSON.stringify(policy()));
    t = await createTestApp({ database, flags: { policyFile: file } });
    const admin = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
    expect((await admin.createCollection('people')).statusCode).toBe(201);
    for (const age of [32, 33]) {
      const created = await admin.create('people', { ...patient(age), tenant_id: 'acme', age });
      expect(created.statusCode, created.body).toBe(201);
      if (age === 33) shown = (created.json() as { id: string }).id;
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists and searches what the other grant allows, without failing', async () => {
    const api = vaultApi(t, (await loggedInUser(t, ['odd'])).headers, null);
    const list = await api.list('people');
    expect(list.statusCode, list.body).toBe(200);
    expect((list.json() as { records: Array<{ id: string }> }).records.map((r) => r.id)).toEqual([shown]);
    const search = await api.search('people', { where: { tenant_id: 'acme' }, limit: 10 });
    expect(search.statusCode, search.body).toBe(200);
    expect((search.json() as { records: Array<{ id: string }> }).records.map((r) => r.id)).toEqual([shown]);
  });
});
