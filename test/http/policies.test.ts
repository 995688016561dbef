/**
 * Guarantee: the access policy is managed by admins only, every change is a new version (an invalid document
 * changes nothing and names its path), other nodes pick changes up, the stated purpose is checked on every
 * authenticated request, users carry the subject and attributes conditions compare, and an API key never acts
 * with a role its user does not hold.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import {
  createTestApp,
  createUser,
  loggedInUser,
  login,
  strongPassword,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';

const auditorPolicy = {
  version: 1,
  purposes: ['support', 'billing', 'fraud_prevention', 'data_subject_request'],
  roles: {
    admin: {
      rules: [
        { effect: 'allow', actions: ['read'], resources: ['**'], redaction: 'plain' },
        // Administration is the policy's to grant: without these, admins could not manage users or policies.
        { effect: 'allow', actions: ['manage_policies', 'manage_users'], resources: ['system/**'] },
      ],
    },
    user: { rules: [] },
    auditor: { rules: [{ effect: 'allow', actions: ['read_audit'], resources: ['audit'] }] },
  },
};

function errorOf(response: LightMyRequestResponse) {
  return (response.json() as { error: { code: string; field?: string; message: string } }).error;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function putPolicy(headers: Record<string, string>, document: unknown) {
  return t.app.inject({ method: 'PUT', url: '/v1/policies', headers, payload: document as object });
}

describe('user administration granted to another role', () => {
  /** `support` may manage users, but give (and manage holders of) only the `user` and `support` roles. */
  const supportPolicy = () => {
    const base = defaultPolicyDocument();
    return {
      ...base,
      roles: {
        ...base.roles,
        support: {
          rules: [
            {
              effect: 'allow',
              actions: ['manage_users'],
              resources: ['system/users', 'system/users/roles/user', 'system/users/roles/support'],
            },
          ],
        },
      },
    };
  };
  afterAll(async () => {
    await t.services.policies.put(defaultPolicyDocument(), { userId: randomUUID() });
  });

  it('lets the role manage users, never make anyone more than it may give, nor touch an admin', async () => {
    await t.services.policies.put(supportPolicy(), { userId: randomUUID() });
    const agent = await createUser(t);
    await t.services.users.update(agent.id, { roles: ['support'] }, { bySession: true });
    const headers = {
      authorization: `Bearer ${(await login(t, agent.username, agent.password)).access_token}`,
    };
    const admin = await createUser(t, ['admin']);
    const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

    const created = await send('POST', '/v1/users', {
      username: `s${randomBytes(5).toString('hex')}`,
      password: strongPassword(),
    });
    expect(created.statusCode).toBe(201);
    const refusals = [
      await send('POST', '/v1/users', {
        username: `s${randomBytes(5).toString('hex')}`,
        password: strongPassword(),
        roles: ['admin'],
      }),
      await send('PATCH', `/v1/users/${agent.id}`, { roles: ['support', 'admin'] }),
      await send('PATCH', `/v1/users/${admin.id}`, { disabled: true }),
      await send('DELETE', `/v1/users/${admin.id}`),
    ];
    expect(refusals.map((r) => [r.statusCode, errorOf(r).code])).toEqual(Array(4).fill([403, 'FORBIDDEN']));
    expect(await t.services.stores.users.findById(admin.id)).toMatchObject({
      roles: ['admin'],
      disabled: false,
    });
    expect(await t.services.stores.users.findById(agent.id)).toMatchObject({ roles: ['support'] });

    // Without the policy's grant, the same session is refused at once.
    await t.services.policies.put(defaultPolicyDocument(), { userId: randomUUID() });
    expect((await t.app.inject({ url: '/v1/users', headers })).statusCode).toBe(403);
  });
});

describe('policy API', () => {
  it('refuses a policy that would leave the caller unable to change it, and changes nothing', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const version = t.services.policies.current().version;
    const lockout = {
      ...auditorPolicy,
      roles: {
        ...auditorPolicy.roles,
        admin: { rules: [{ effect: 'allow', actions: ['read'], resources: ['**'] }] },
      },
    };
    const response = await putPolicy(admin.headers, lockout);
    expect(response.statusCode).toBe(409);
    expect(errorOf(response).code).toBe('POLICY_LOCKOUT');
    expect(t.services.policies.current().version).toBe(version);
  });

  it("replaces a stored built-in default of an earlier release at start, and keeps an operator's own", async () => {
    const latest = t.services.policies.current();
    // The default as an earlier release stored it: admins without the administrative actions added since.
    const earlier = defaultPolicyDocument();
    earlier.roles.admin.rules[0] = {
      ...earlier.roles.admin.rules[0],
      actions: [
        'read',
        'write',
        'delete',
        'search',
        'tokenize',
        'detokenize',
        'erase',
        'manage_keys',
        'read_audit',
      ],
    } as (typeof earlier.roles.admin.rules)[0];
    await t.services.stores.policies.insert({
      version: latest.version + 1,
      document: JSON.stringify(earlier),
      source: 'default',
      createdBy: null,
      createdAt: Date.now(),
    });
    const upgraded = await t.services.policies.init({ policyFile: null });
    expect(upgraded).toMatchObject({
      version: latest.version + 2,
      source: 'default',
      document: defaultPolicyDocument(),
    });
    // A version an operator stored is never replaced by the default.
    await t.services.policies.put(auditorPolicy, { userId: randomUUID() });
    const own = t.services.policies.current().version;
    expect((await t.services.policies.init({ policyFile: null })).version).toBe(own);
    await t.services.policies.put(defaultPolicyDocument(), { userId: randomUUID() });
  });

  it('serves the default policy, replaces it with a new version, and keeps the history', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const current = await t.app.inject({ url: '/v1/policies/current', headers: admin.headers });
    expect(current.statusCode).toBe(200);
    const before = current.json() as { version: number; source: string; document: { roles: object } };
    expect(Object.keys(before.document.roles).sort()).toEqual(['admin', 'introspector', 'monitor', 'user']);

    const put = await putPolicy(admin.headers, auditorPolicy);
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      version: before.version + 1,
      source: 'api',
      created_by: admin.id,
      document: auditorPolicy,
    });
    const after = await t.app.inject({ url: '/v1/policies/current', headers: admin.headers });
    expect(after.json()).toMatchObject({ version: before.version + 1, document: auditorPolicy });

    const history = await t.app.inject({ url: '/v1/policies?limit=2', headers: admin.headers });
    const versions = (history.json() as { policies: Array<{ version: number; source: string }> }).policies;
    expect(versions.map((v) => v.version)).toEqual([before.version + 1, before.version]);
    expect(versions[0]).not.toHaveProperty('document');

    const changes = await t.services.stores.securityEvents.list({ type: 'policy_changed' });
    expect(changes.at(-1)).toMatchObject({
      userId: admin.id,
      detail: { version: before.version + 1, source: 'api' },
    });
  });

  it('refuses an invalid document naming the path, and changes nothing', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const version = t.services.policies.current().version;
    const cases: Array<[unknown, string]> = [
      [{ ...auditorPolicy, version: 2 }, 'body.version'],
      [
        {
          ...auditorPolicy,
          roles: { auditor: { rules: [{ effect: 'allow', actions: ['peek'], resources: ['a'] }] } },
        },
        'body.roles.auditor.rules[0].actions[0]',
      ],
      [{ ...auditorPolicy, extra: 'canary-7d2f' }, 'body'],
    ];
    for (const [document, field] of cases) {
      const response = await putPolicy(admin.headers, document);
      expect(response.statusCode).toBe(400);
      expect(errorOf(response)).toMatchObject({ code: 'VALIDATION_FAILED', field });
      expect(response.body).not.toContain('canary-7d2f');
    }
    const notObject = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: admin.headers,
      payload: [1],
    });
    expect(notObject.statusCode).toBe(400);
    expect(t.services.policies.current().version).toBe(version);
  });

  it('takes changes from an interactive admin session only', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const key = await t.services.apiKeys.create(admin.id, randomUUID(), { name: 'ci' });
    const version = t.services.policies.current().version;
    const byKey = await putPolicy({ 'x-api-key': key.key }, auditorPolicy);
    expect(byKey.statusCode).toBe(403);
    expect(errorOf(byKey).code).toBe('FORBIDDEN');
    const user = await loggedInUser(t);
    expect((await putPolicy(user.headers, auditorPolicy)).statusCode).toBe(403);
    expect(t.services.policies.current().version).toBe(version);
  });
});

describe('the X-Access-Purpose header', () => {
  it('accepts a configured purpose, refuses an unknown or malformed one, and tells anonymous callers nothing', async () => {
    const user = await loggedInUser(t);
    const me = (purpose: string, headers: Record<string, string> = user.headers) =>
      t.app.inject({ url: '/v1/me', headers: { ...headers, 'x-access-purpose': purpose } });
    expect((await me('support')).statusCode).toBe(200);
    const unknown = await me('marketing');
    expect(unknown.statusCode).toBe(400);
    expect(errorOf(unknown)).toMatchObject({ code: 'PURPOSE_UNKNOWN', field: 'headers.x-access-purpose' });
    expect(unknown.body).not.toContain('marketing');
    const malformed = await me('Support Canary');
    expect(malformed.statusCode).toBe(400);
    expect(errorOf(malformed)).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'headers.x-access-purpose',
    });
    expect(malformed.body).not.toContain('Canary');
    expect((await me('marketing', {})).statusCode).toBe(401);
  });
});

describe('users: subject, attributes and policy roles', () => {
  it('creates and changes users with a subject and attributes, read back by authentication', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: admin.headers,
      payload: {
        username: `s${randomUUID().slice(0, 8)}`,
        password: strongPassword(),
        subject: 'patient-42',
        attributes: { tenant_id: 't1', level: 3, on_call: true },
      },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json() as { id: string };
    expect(created.json()).toMatchObject({
      roles: ['user'],
      subject: 'patient-42',
      attributes: { tenant_id: 't1', level: 3, on_call: true },
    });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/v1/users/${body.id}`,
      headers: admin.headers,
      payload: { subject: null, attributes: { tenant_id: 't2' } },
    });
    expect(patched.json()).toMatchObject({ subject: null, attributes: { tenant_id: 't2' } });
    expect(await t.services.stores.users.findById(body.id)).toMatchObject({
      subject: null,
      attributes: { tenant_id: 't2' },
      roles: ['user'],
    });
  });

  it.each([
    [{ attributes: { 'bad key': 'x' } }],
    [{ attributes: { tenant: { nested: 1 } } }],
    [{ subject: '' }],
    [{ subject: 'line\nbreak' }],
  ])('refuses malformed subject or attributes %j', async (payload) => {
    const admin = await loggedInUser(t, ['admin']);
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: admin.headers,
      payload: { username: `m${randomUUID().slice(0, 8)}`, password: strongPassword(), ...payload },
    });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('VALIDATION_FAILED');
  });

  it('accepts roles the policy defines and refuses others, naming the entry', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const username = `r${randomUUID().slice(0, 8)}`;
    const create = (roles: string[]) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: admin.headers,
        payload: { username, password: strongPassword(), roles },
      });
    const unknown = await create(['user', 'auditr']);
    expect(unknown.statusCode).toBe(400);
    expect(errorOf(unknown)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.roles.1' });
    expect(await t.services.stores.users.existsByUsername(username)).toBe(false);

    expect((await putPolicy(admin.headers, auditorPolicy)).statusCode).toBe(200);
    const known = await create(['user', 'auditor']);
    expect(known.statusCode).toBe(201);
    const id = (known.json() as { id: string }).id;
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/v1/users/${id}`,
      headers: admin.headers,
      payload: { roles: ['nobody'] },
    });
    expect(errorOf(patch)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.roles.0' });
  });
});

describe('API keys with a subset of roles', () => {
  async function mint(headers: Record<string, string>, roles?: string[]) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers,
      payload: { name: 'scoped', ...(roles === undefined ? {} : { roles }) },
    });
  }

  it('acts with the subset only, and never with a role its user lost', async () => {
    const admin = await loggedInUser(t, ['admin', 'user']);
    const minted = await mint(admin.headers, ['user']);
    expect(minted.statusCode).toBe(201);
    const key = minted.json() as { id: string; key: string; roles: string[] };
    expect(key.roles).toEqual(['user']);
    const headers = { 'x-api-key': key.key };
    expect((await t.app.inject({ url: '/v1/me', headers })).json()).toMatchObject({ roles: ['user'] });
    const users = await t.app.inject({ url: '/v1/users', headers });
    expect(users.statusCode).toBe(403);
    const listed = await t.app.inject({ url: '/v1/api-keys', headers: admin.headers });
    expect((listed.json() as { api_keys: Array<{ id: string; roles: unknown }> }).api_keys).toContainEqual(
      expect.objectContaining({ id: key.id, roles: ['user'] }),
    );

    // An unrestricted key follows its user's roles.
    const full = (await mint(admin.headers)).json() as { key: string; roles: unknown };
    expect(full.roles).toBeNull();
    expect((await t.app.inject({ url: '/v1/users', headers: { 'x-api-key': full.key } })).statusCode).toBe(
      200,
    );

    // The user loses `user`: the key restricted to it is left with no role at all.
    const other = await loggedInUser(t, ['admin']);
    await t.services.users.update(admin.id, { roles: ['admin'] }, { bySession: true });
    expect(other.id).not.toBe(admin.id);
    expect((await t.app.inject({ url: '/v1/me', headers })).json()).toMatchObject({ roles: [] });
  });

  it('refuses a role the creator does not hold, naming the entry', async () => {
    const user = await loggedInUser(t);
    const before = (await t.services.apiKeys.list(user.id)).length;
    const response = await mint(user.headers, ['user', 'admin']);
    expect(response.statusCode).toBe(403);
    expect(errorOf(response)).toMatchObject({ code: 'FORBIDDEN', field: 'body.roles.1' });
    expect((await t.services.apiKeys.list(user.id)).length).toBe(before);
  });
});

describe('policy files at start', () => {
  it('refuses to start with an invalid policy file, naming the file and the path', async () => {
    const os = await import('node:os');
    const fs = await import('node:fs/promises');
    const path = await import('node:path');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-policy-file-'));
    try {
      const bad = path.join(dir, 'policy.yaml');
      await fs.writeFile(
        bad,
        'version: 1\npurposes: [support]\nroles:\n  nurse:\n    rules:\n      - effect: maybe\n',
      );
      await expect(createTestApp({ flags: { policyFile: bad } })).rejects.toThrow(
        /policy\.yaml: \$\.roles\.nurse\.rules\[0\]\.effect/,
      );
      const good = path.join(dir, 'policy.json');
      await fs.writeFile(good, JSON.stringify(auditorPolicy));
      const withFile = await createTestApp({ flags: { policyFile: good } });
      try {
        expect(withFile.services.policies.current()).toMatchObject({ version: 1, source: 'file' });
      } finally {
        await withFile.close();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(TEST_DATABASE_URL === null)('two nodes sharing one PostgreSQL schema', () => {
  it('the other node picks up a new version', async () => {
    // One installation: the same root key and database schema.
    const masterKey = randomBytes(32).toString('base64');
    const first = await createTestApp({ database: 'postgres', flags: { masterKey } });
    const second = await createTestApp({
      database: 'postgres',
      flags: { masterKey, databaseSchema: first.config.databaseSchema ?? '' },
    });
    try {
      expect(second.services.policies.current().version).toBe(first.services.policies.current().version);
      const admin = await loggedInUser(first, ['admin']);
      const put = await first.app.inject({
        method: 'PUT',
        url: '/v1/policies',
        headers: admin.headers,
        payload: auditorPolicy,
      });
      const version = (put.json() as { version: number }).version;
      // Periodically (every 5 s) or at once when asked for the current policy.
      expect(await second.services.policies.refresh()).toBe(true);
      expect(second.services.policies.current()).toMatchObject({ version, document: auditorPolicy });
      expect(second.services.authorizer.roles().has('auditor')).toBe(true);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
