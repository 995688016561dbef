/**
 * Guarantee: records are read through the access policy, field by field. Under the default policy a caller
 * without a purpose sees non-sensitive fields only (the others are withheld with PURPOSE_REQUIRED and never
 * serialized); under a custom policy (roles with purposes, conditions on the record's `tenant_id` and `subject`,
 * denies that override allows, API keys with a subset of the roles) every cell of the matrix holds; a policy change
 * is a new version and takes effect on the next request; a policy file is honoured at start.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/policy/index.js';
import {
  createTestApp,
  createUser,
  loggedInUser,
  login,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

type Headers = Record<string, string>;
type Patient = ReturnType<typeof patient>;

const SENSITIVE = ['name', 'email', 'ssn', 'card', 'phone'] as const;
const PURPOSES = ['support', 'billing', 'fraud_prevention', 'data_subject_request'];

interface RecordJson {
  id: string;
  subject: string | null;
  fields: Record<string, unknown>;
  redaction: Record<string, string>;
  withheld: Record<string, string>;
}

function errorCode(response: LightMyRequestResponse): string | undefined {
  return (response.json() as { error?: { code: string } }).error?.code;
}

function ids(response: LightMyRequestResponse): string[] {
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { records: RecordJson[] }).records.map((r) => r.id).sort();
}

/** Every form a sensitive value of `values` can leave in: plain, and masked as the admin saw it. */
function formsOf(values: Patient, masked: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.flatMap((f) => [String(values[f as keyof Patient]), String(masked[f])]);
}

function expectAbsent(body: string, forms: readonly string[]) {
  for (const form of forms) expect(body, 'a withheld value was serialized').not.toContain(form);
}

/** A user with the given roles, subject and attributes (set by an admin through PATCH /v1/users/{id}), logged in. */
async function member(
  t: TestApp,
  admin: Headers,
  changes: { roles: string[]; subject?: string; attributes?: Record<string, string> },
) {
  const user = await createUser(t);
  const patched = await t.app.inject({
    method: 'PATCH',
    url: `/v1/users/${user.id}`,
    headers: admin,
    payload: changes,
  });
  expect(patched.statusCode, patched.body).toBe(200);
  const tokens = await login(t, user.username, user.password);
  return { ...user, headers: { authorization: `Bearer ${tokens.access_token}` } };
}

describe('records under the default policy', () => {
  let t: TestApp;
  let admin: ReturnType<typeof vaultApi>;
  let owner: Awaited<ReturnType<typeof loggedInUser>>;
  let id: string;
  let masked: Record<string, unknown>;
  const values = patient(7);

  beforeAll(async () => {
    t = await createTestApp();
    admin = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
    expect((await admin.createCollection('patients')).statusCode).toBe(201);
    owner = await loggedInUser(t);
    const created = await vaultApi(t, owner.headers).create('patients', values, 'subject-default-7');
    expect(created.statusCode, created.body).toBe(201);
    id = (created.json() as { id: string }).id;
    masked = (await admin.read('patients', id)).json().fields;
  });
  afterAll(() => t?.close());

  it('without a purpose, shows the owner non-sensitive fields and withholds every sensitive one', async () => {
    const response = await vaultApi(t, owner.headers, null).read('patients', id);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as RecordJson;
    expect(body.fields).toEqual({ tenant_id: 'acme', age: values.age });
    expect(body.withheld).toEqual({
      name: 'PURPOSE_REQUIRED',
      email: 'PURPOSE_REQUIRED',
      ssn: 'PURPOSE_REQUIRED',
      card: 'PURPOSE_REQUIRED',
      phone: 'PURPOSE_REQUIRED',
    });
    expect(body.redaction).toEqual({});
    expect(body.subject).toBe('***');
    expectAbsent(response.body, [...formsOf(values, masked, SENSITIVE), 'subject-default-7']);
  });

  it('refuses reveal without a purpose (403 PURPOSE_REQUIRED) and an unknown purpose (400 PURPOSE_UNKNOWN)', async () => {
    const noPurpose = await vaultApi(t, owner.headers, null).read('patients', id, '?reveal=ssn');
    expect(noPurpose.statusCode).toBe(403);
    expect(errorCode(noPurpose)).toBe('PURPOSE_REQUIRED');
    expectAbsent(noPurpose.body, formsOf(values, masked, SENSITIVE));

    const unknown = await vaultApi(t, owner.headers, 'marketing').read('patients', id);
    expect(unknown.statusCode).toBe(400);
    expect(errorCode(unknown)).toBe('PURPOSE_UNKNOWN');
    expect(unknown.body).not.toContain('marketing');

    // Listing and searching without a purpose: the same withholding, and a sensitive search is refused.
    const listed = await vaultApi(t, owner.headers, null).list('patients');
    expect(listed.statusCode).toBe(200);
    const page = listed.json() as { records: RecordJson[] };
    expect(page.records.map((r) => r.id)).toEqual([id]);
    expect(page.records[0]?.withheld.ssn).toBe('PURPOSE_REQUIRED');
    expectAbsent(listed.body, formsOf(values, masked, SENSITIVE));
    const search = await vaultApi(t, owner.headers, null).search('patients', { where: { ssn: values.ssn } });
    expect(search.statusCode).toBe(403);
    expect(errorCode(search)).toBe('PURPOSE_REQUIRED');
  });

  it('with a purpose, masks by default and reveals in plain to the owner only', async () => {
    const own = vaultApi(t, owner.headers, 'support');
    const read = (await own.read('patients', id)).json() as RecordJson;
    expect(read.withheld).toEqual({});
    expect(read.fields).toMatchObject({ ssn: masked.ssn, email: masked.email, tenant_id: 'acme' });
    expect(read.redaction).toMatchObject({ ssn: 'masked', card: 'masked' });
    const revealed = (await own.read('patients', id, '?reveal=ssn,subject')).json() as RecordJson;
    expect(revealed.fields.ssn).toBe(values.ssn);
    expect(revealed.subject).toBe('subject-default-7');

    const other = vaultApi(t, (await loggedInUser(t)).headers, 'billing');
    const seen = await other.read('patients', id);
    expect(seen.statusCode).toBe(200);
    expect((seen.json() as RecordJson).fields.ssn).toBe(masked.ssn);
    expect(seen.body).not.toContain(values.ssn);
    const refused = await other.read('patients', id, '?reveal=ssn');
    expect(refused.statusCode).toBe(403);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(refused.body).not.toContain(values.ssn);
  });
});

/** The custom policy of the matrix below (version 1 of the document; `withPhone` is the change made later). */
function customPolicy(options: { withPhone?: boolean } = {}) {
  return {
    version: 1,
    purposes: PURPOSES,
    roles: {
      admin: { rules: [{ effect: 'allow', actions: [...ACTIONS], resources: ['**'], redaction: 'plain' }] },
      user: { rules: [] },
      support_agent: {
        rules: [
          {
            effect: 'allow',
            actions: ['read', 'search'],
            resources: ['collections/patients/**'],
            redaction: 'masked',
            purposes: ['support'],
          },
          {
            effect: 'allow',
            actions: ['read'],
            resources: ['collections/patients/fields/email'],
            redaction: 'plain',
            purposes: ['billing'],
          },
          ...(options.withPhone
            ? [
                {
                  effect: 'allow',
                  actions: ['read'],
                  resources: ['collections/patients/fields/phone'],
                  redaction: 'plain',
                  purposes: ['support'],
                },
              ]
            : []),
          { effect: 'deny', actions: ['read', 'search'], resources: ['collections/patients/fields/ssn'] },
        ],
      },
      tenant_reader: {
        rules: [
          {
            effect: 'allow',
            actions: ['read'],
            resources: ['collections/*/fields/*'],
            redaction: 'plain',
            condition: { tenant_id: { equals: '$actor.attributes.tenant_id' } },
          },
          // Searching is decided without a record (a condition cannot hold): allowed, results are filtered per record.
          { effect: 'allow', actions: ['search'], resources: ['collections/patients/fields/*'] },
        ],
      },
      self: {
        rules: [
          {
            effect: 'allow',
            actions: ['read'],
            resources: ['collections/patients/**'],
            redaction: 'plain',
            condition: { subject: { equals: '$actor.subject' } },
          },
        ],
      },
    },
  };
}

const kinds = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

describe.each(kinds)('records under a custom policy (%s)', (database) => {
  let t: TestApp;
  let adminUser: Awaited<ReturnType<typeof loggedInUser>>;
  let admin: ReturnType<typeof vaultApi>;
  const values = { a1: patient(1), a2: patient(2), b1: patient(3) };
  const rows = { a1: '', a2: '', b1: '' };
  const masked: Record<string, Record<string, unknown>> = {};
  let agent: Headers;
  let readerA: Headers;
  let multi: Awaited<ReturnType<typeof member>>;
  let selfA1: Headers;
  let selfOther: Headers;
  let selfNone: Headers;

  const as = (headers: Headers, purpose: string | null = 'support') => vaultApi(t, headers, purpose);
  const read = (headers: Headers, purpose: string | null, key: keyof typeof rows, query = '') =>
    as(headers, purpose).read('patients', rows[key], query);
  const forms = (key: keyof typeof rows, fields: readonly string[]) =>
    formsOf(values[key], masked[key] ?? {}, fields);

  beforeAll(async () => {
    t = await createTestApp({ database });
    adminUser = await loggedInUser(t, ['admin']);
    admin = vaultApi(t, adminUser.headers);
    expect((await admin.createCollection('patients')).statusCode).toBe(201);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: adminUser.headers,
      payload: customPolicy(),
    });
    expect(put.statusCode, put.body).toBe(200);

    values.a1.tenant_id = 'tenant-a';
    values.a2.tenant_id = 'tenant-a';
    values.b1.tenant_id = 'tenant-b';
    const subjects = { a1: 'pat-a1', a2: undefined, b1: 'pat-b1' };
    for (const key of ['a1', 'a2', 'b1'] as const) {
      const created = await admin.create('patients', values[key], subjects[key]);
      expect(created.statusCode, created.body).toBe(201);
      rows[key] = (created.json() as { id: string }).id;
      masked[key] = (await admin.read('patients', rows[key])).json().fields;
    }

    agent = (await member(t, adminUser.headers, { roles: ['support_agent'] })).headers;
    readerA = (
      await member(t, adminUser.headers, { roles: ['tenant_reader'], attributes: { tenant_id: 'tenant-a' } })
    ).headers;
    multi = await member(t, adminUser.headers, {
      roles: ['tenant_reader', 'support_agent'],
      attributes: { tenant_id: 'tenant-a' },
    });
    selfA1 = (await member(t, adminUser.headers, { roles: ['self'], subject: 'pat-a1' })).headers;
    selfOther = (await member(t, adminUser.headers, { roles: ['self'], subject: 'pat-zz' })).headers;
    selfNone = (await member(t, adminUser.headers, { roles: ['self'] })).headers;
  });
  afterAll(() => t?.close());

  describe('support_agent: masked for support, plain email for billing, ssn never', () => {
    it('support: masked sensitive fields, ssn withheld by the deny and never serialized', async () => {
      const response = await read(agent, 'support', 'a1');
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as RecordJson;
      expect(body.fields).toEqual({
        name: masked.a1?.name,
        email: masked.a1?.email,
        card: masked.a1?.card,
        phone: masked.a1?.phone,
        tenant_id: 'tenant-a',
        age: values.a1.age,
      });
      expect(body.withheld).toEqual({ ssn: 'DENIED_BY_RULE' });
      expect(body.redaction).toEqual({ name: 'masked', email: 'masked', card: 'masked', phone: 'masked' });
      expectAbsent(response.body, [...forms('a1', ['ssn']), values.a1.email, values.a1.card]);
      for (const reveal of ['ssn', 'email']) {
        const refused = await read(agent, 'support', 'a1', `?reveal=${reveal}`);
        expect(refused.statusCode).toBe(403);
        expect(errorCode(refused)).toBe('FORBIDDEN');
        expectAbsent(refused.body, forms('a1', SENSITIVE));
      }
    });

    it('billing: email only (plain when revealed), everything else withheld', async () => {
      const response = await read(agent, 'billing', 'a1', '?reveal=email');
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as RecordJson;
      expect(body.fields).toEqual({ email: values.a1.email });
      expect(body.redaction).toEqual({ email: 'plain' });
      expect(body.withheld).toEqual({
        name: 'NO_MATCHING_RULE',
        ssn: 'DENIED_BY_RULE',
        card: 'NO_MATCHING_RULE',
        phone: 'NO_MATCHING_RULE',
        tenant_id: 'NO_MATCHING_RULE',
        age: 'NO_MATCHING_RULE',
      });
      expectAbsent(response.body, [...forms('a1', ['name', 'ssn', 'card', 'phone']), 'tenant-a']);
      // Unrevealed, the allowed plain email leaves masked (the level asked for).
      const quiet = (await read(agent, 'billing', 'a1')).json() as RecordJson;
      expect(quiet.fields).toEqual({ email: masked.a1?.email });
      expect((await read(agent, 'billing', 'a1', '?reveal=name')).statusCode).toBe(403);
      // Searching is granted for support only: with billing no record matches (decided record by record).
      const search = await as(agent, 'billing').search('patients', { where: { email: values.a1.email } });
      expect(search.statusCode).toBe(200);
      expect(ids(search)).toEqual([]);
      expect(search.body).not.toContain(values.a1.email);
    });

    it('any other purpose: the record does not exist for them; no purpose: nothing but the reasons', async () => {
      for (const purpose of ['fraud_prevention', 'data_subject_request']) {
        const response = await read(agent, purpose, 'a1');
        expect(response.statusCode).toBe(404);
        expect(errorCode(response)).toBe('RECORD_NOT_FOUND');
        expect(ids(await as(agent, purpose).list('patients'))).toEqual([]);
      }
      const none = await read(agent, null, 'a1');
      expect(none.statusCode, none.body).toBe(200);
      const body = none.json() as RecordJson;
      expect(body.fields).toEqual({});
      expect(body.withheld).toMatchObject({ ssn: 'DENIED_BY_RULE', email: 'PURPOSE_REQUIRED' });
      expectAbsent(none.body, [...forms('a1', SENSITIVE), 'tenant-a']);
    });

    it('search: by email for support; by ssn never (the deny covers search)', async () => {
      const found = await as(agent, 'support').search('patients', { where: { email: values.b1.email } });
      expect(ids(found)).toEqual([rows.b1]);
      const bySsn = await as(agent, 'support').search('patients', { where: { ssn: values.a1.ssn } });
      expect(bySsn.statusCode).toBe(403);
      expect(errorCode(bySsn)).toBe('FORBIDDEN');
      expect(ids(await as(agent, 'support').list('patients'))).toEqual([rows.a1, rows.a2, rows.b1].sort());
    });
  });

  describe('tenant_reader: plain where the record tenant_id equals the caller attribute', () => {
    it('sees its tenant in plain when revealed, and the other tenant not at all', async () => {
      const own = await read(readerA, 'support', 'a1', '?reveal=ssn,card');
      expect(own.statusCode, own.body).toBe(200);
      const body = own.json() as RecordJson;
      expect(body.fields).toMatchObject({
        ssn: values.a1.ssn,
        card: values.a1.card,
        email: masked.a1?.email,
      });
      expect(body.withheld).toEqual({});
      for (const purpose of ['support', 'billing']) {
        const other = await read(readerA, purpose, 'b1');
        expect(other.statusCode).toBe(404);
        expect(errorCode(other)).toBe('RECORD_NOT_FOUND');
        expectAbsent(other.body, [...forms('b1', SENSITIVE), 'tenant-b']);
      }
      expect((await read(readerA, 'support', 'b1', '?reveal=ssn')).statusCode).toBe(404);
    });

    it('lists and searches its tenant only', async () => {
      expect(ids(await as(readerA).list('patients'))).toEqual([rows.a1, rows.a2].sort());
      expect(ids(await as(readerA).list('patients', '?filter.tenant_id=tenant-b'))).toEqual([]);
      const search = as(readerA).search;
      expect(ids(await search('patients', { where: { email: values.a1.email } }))).toEqual([rows.a1]);
      const cross = await search('patients', { where: { email: values.b1.email } });
      expect(ids(cross)).toEqual([]);
      expectAbsent(cross.body, forms('b1', SENSITIVE));
      expect(ids(await search('patients', { where: { tenant_id: 'tenant-b' } }))).toEqual([]);
    });

    it('without a purpose sees its tenant non-sensitive fields only', async () => {
      const own = await read(readerA, null, 'a1');
      expect(own.statusCode).toBe(200);
      expect((own.json() as RecordJson).fields).toEqual({ tenant_id: 'tenant-a', age: values.a1.age });
      expectAbsent(own.body, forms('a1', SENSITIVE));
    });

    it('without a purpose cannot tell that another tenant record exists (404, not listed)', async () => {
      const other = await read(readerA, null, 'b1');
      expect(other.statusCode).toBe(404);
      expect(ids(await as(readerA, null).list('patients'))).toEqual([rows.a1, rows.a2].sort());
    });

    it('does not learn the id of another tenant record from a page cursor', async () => {
      const page = await as(readerA).list('patients', '?filter.tenant_id=tenant-b&limit=1');
      const body = page.json() as { records: unknown[]; next_cursor: string | null };
      expect(body.records).toEqual([]);
      const decoded =
        body.next_cursor === null ? '' : Buffer.from(body.next_cursor, 'base64url').toString('utf8');
      expect(decoded).not.toContain(rows.b1);
    });
  });

  describe('self: plain where the record subject equals the caller subject', () => {
    it('the person the record is about sees it; others do not', async () => {
      const own = await read(selfA1, 'data_subject_request', 'a1', '?reveal=ssn,email');
      expect(own.statusCode, own.body).toBe(200);
      expect((own.json() as RecordJson).fields).toMatchObject({ ssn: values.a1.ssn, email: values.a1.email });
      for (const key of ['a2', 'b1'] as const) {
        expect((await read(selfA1, 'data_subject_request', key)).statusCode).toBe(404);
      }
      for (const headers of [selfOther, selfNone]) {
        const response = await read(headers, 'data_subject_request', 'a1');
        expect(response.statusCode).toBe(404);
        expectAbsent(response.body, forms('a1', SENSITIVE));
        expect(ids(await as(headers, 'data_subject_request').list('patients'))).toEqual([]);
      }
      expect(ids(await as(selfA1, 'data_subject_request').list('patients'))).toEqual([rows.a1]);
    });
  });

  describe('roles combined, and API keys with a subset of them', () => {
    it('a deny in one role overrides an allow in another', async () => {
      const own = await read(multi.headers, 'support', 'a1', '?reveal=card');
      expect(own.statusCode, own.body).toBe(200);
      const body = own.json() as RecordJson;
      expect(body.fields.card).toBe(values.a1.card);
      expect(body.fields).not.toHaveProperty('ssn');
      expect(body.withheld).toEqual({ ssn: 'DENIED_BY_RULE' });
      expectAbsent(own.body, forms('a1', ['ssn']));
      const refused = await read(multi.headers, 'support', 'a1', '?reveal=ssn');
      expect(refused.statusCode).toBe(403);
      expectAbsent(refused.body, forms('a1', ['ssn']));
      // Roles are a union of grants: the other tenant is visible masked through support_agent.
      const other = (await read(multi.headers, 'support', 'b1')).json() as RecordJson;
      expect(other.fields.email).toBe(masked.b1?.email);
      expect(other.withheld).toEqual({ ssn: 'DENIED_BY_RULE' });
    });

    it('an API key restricted to tenant_reader acts with that role only', async () => {
      const minted = await t.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: multi.headers,
        payload: { name: 'tenant only', roles: ['tenant_reader'] },
      });
      expect(minted.statusCode, minted.body).toBe(201);
      const key = { 'x-api-key': (minted.json() as { key: string }).key };
      // No support_agent deny: the key may reveal the ssn of its tenant …
      const own = await read(key, 'support', 'a1', '?reveal=ssn');
      expect(own.statusCode, own.body).toBe(200);
      expect((own.json() as RecordJson).fields.ssn).toBe(values.a1.ssn);
      // … and no support_agent allow: the other tenant does not exist for it.
      expect((await read(key, 'support', 'b1')).statusCode).toBe(404);
      expect(ids(await as(key).list('patients'))).toEqual([rows.a1, rows.a2].sort());
      // A key cannot be minted with a role its user does not hold.
      const wider = await t.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: multi.headers,
        payload: { name: 'wider', roles: ['self'] },
      });
      expect(wider.statusCode).toBe(403);
    });
  });

  describe('policy changes', () => {
    it('are versioned and take effect on the next request', async () => {
      const before = await read(agent, 'support', 'a1', '?reveal=phone');
      expect(before.statusCode).toBe(403);
      const current = t.services.policies.current().version;
      const put = await t.app.inject({
        method: 'PUT',
        url: '/v1/policies',
        headers: adminUser.headers,
        payload: customPolicy({ withPhone: true }),
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toMatchObject({ version: current + 1, source: 'api', created_by: adminUser.id });

      const after = await read(agent, 'support', 'a1', '?reveal=phone');
      expect(after.statusCode, after.body).toBe(200);
      expect((after.json() as RecordJson).fields.phone).toBe(values.a1.phone);
      expect((after.json() as RecordJson).withheld).toEqual({ ssn: 'DENIED_BY_RULE' });

      const history = await t.app.inject({ url: '/v1/policies?limit=3', headers: adminUser.headers });
      const versions = (history.json() as { policies: Array<{ version: number; source: string }> }).policies;
      expect(versions.map((v) => [v.version, v.source])).toEqual([
        [current + 1, 'api'],
        [current, 'api'],
        [current - 1, 'default'],
      ]);

      // Back to the first document: a new version again, and the grant is gone at once.
      const back = await t.app.inject({
        method: 'PUT',
        url: '/v1/policies',
        headers: adminUser.headers,
        payload: customPolicy(),
      });
      expect(back.json()).toMatchObject({ version: current + 2 });
      expect((await read(agent, 'support', 'a1', '?reveal=phone')).statusCode).toBe(403);
    });

    it('an invalid document changes nothing', async () => {
      const version = t.services.policies.current().version;
      const bad = customPolicy();
      (bad.roles.support_agent.rules[0] as { purposes: string[] }).purposes = ['marketing'];
      const put = await t.app.inject({
        method: 'PUT',
        url: '/v1/policies',
        headers: adminUser.headers,
        payload: bad,
      });
      expect(put.statusCode).toBe(400);
      expect(t.services.policies.current().version).toBe(version);
      expect((await read(agent, 'support', 'a1')).statusCode).toBe(200);
    });
  });
});

describe('a policy from a file', () => {
  it('is in force at start, with the same per-field decisions', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-policy-records-'));
    const file = path.join(dir, 'policy.json');
    await fs.writeFile(file, JSON.stringify(customPolicy()));
    const t = await createTestApp({ flags: { policyFile: file } });
    try {
      expect(t.services.policies.current()).toMatchObject({ source: 'file' });
      const adminUser = await loggedInUser(t, ['admin']);
      const admin = vaultApi(t, adminUser.headers);
      expect((await admin.createCollection('patients')).statusCode).toBe(201);
      const values = patient(9);
      const { id } = (await admin.create('patients', values)).json() as { id: string };
      const agent = await member(t, adminUser.headers, { roles: ['support_agent'] });
      const response = await vaultApi(t, agent.headers, 'support').read('patients', id);
      expect(response.statusCode, response.body).toBe(200);
      expect((response.json() as RecordJson).withheld).toEqual({ ssn: 'DENIED_BY_RULE' });
      expect(response.body).not.toContain(values.ssn);
      expect((await vaultApi(t, agent.headers, 'fraud_prevention').read('patients', id)).statusCode).toBe(
        404,
      );
    } finally {
      await t.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
