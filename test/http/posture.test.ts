/**
 * Guarantees of GET /v1/sys/posture: only a caller the policy grants `read_posture` reads it (admin, and an API key
 * of a role a policy grants it to; a plain user is refused 403); it says what only the server knows (root key
 * source, hashes with old parameters or bcrypt, administrators and keys, audit checkpoints, file modes, policy
 * grants); and it never carries a secret: canary password, API key, root key, password hashes and sealed key
 * material seeded into the deployment appear nowhere in the answer, whatever the query.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import bcrypt from 'bcrypt';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import {
  createTestApp,
  createUser,
  loggedInUser,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';

const ROOT_KEY = randomBytes(32).toString('base64');
const CANARY_PASSWORD = `Canary-${randomBytes(12).toString('base64url')}`;

let t: TestApp;
let adminHeaders: Record<string, string>;
let userHeaders: Record<string, string>;
let auditorKey: string;
let canaryKey: string;
let bcryptUser: string;

async function posture(headers: Record<string, string>, query = '') {
  return t.app.inject({ url: `/v1/sys/posture${query}`, headers });
}

beforeAll(async () => {
  t = await createTestApp({ env: { STRONGROOM_MASTER_KEY: ROOT_KEY } });
  const admin = await loggedInUser(t, ['admin']);
  adminHeaders = admin.headers;
  userHeaders = (await loggedInUser(t, ['user'])).headers;
  // A policy that grants read_posture (and nothing else) to an `auditor` role, used through an API key.
  const document = defaultPolicyDocument() as { roles: Record<string, unknown> };
  document.roles.auditor = {
    rules: [{ effect: 'allow', actions: ['read_posture'], resources: ['system/posture'] }],
  };
  await t.services.policies.put(document, { userId: admin.id });
  const auditor = await createUser(t, ['auditor']);
  auditorKey = (await t.services.apiKeys.create(auditor.id, randomUUID(), { name: 'posture' })).key;
  const canary = await t.services.users.create({
    username: `canary${randomBytes(3).toString('hex')}`,
    password: CANARY_PASSWORD,
    roles: ['admin'],
  });
  canaryKey = (await t.services.apiKeys.create(canary.id, randomUUID(), { name: 'canary' })).key;
  // An imported bcrypt hash, not yet upgraded by a login.
  const imported = await createUser(t);
  bcryptUser = imported.id;
  await t.services.database.db
    .updateTable('users')
    .set({ password_hash: await bcrypt.hash('Imported-password-1', 4) })
    .where('id', '=', imported.id)
    .execute();
});
afterAll(async () => {
  await t.close();
});

describe('GET /v1/sys/posture access', () => {
  it('answers an admin and an API key granted read_posture by policy, and refuses a user and anonymous', async () => {
    expect((await posture(adminHeaders)).statusCode).toBe(200);
    expect((await posture({ 'x-api-key': auditorKey })).statusCode).toBe(200);
    const user = await posture(userHeaders);
    expect(user.statusCode).toBe(403);
    expect(user.json().error.code).toBe('FORBIDDEN');
    expect(user.body).not.toContain('root_key');
    expect((await posture({})).statusCode).toBe(401);
  });

  it('is not cached, and each read is audited as system.posture', async () => {
    const response = await posture(adminHeaders);
    expect(response.headers['cache-control']).toBe('no-store');
    const events = await t.app.inject({
      url: '/v1/audit/events?action=system.posture',
      headers: adminHeaders,
    });
    expect(events.json().events.length).toBeGreaterThan(0);
  });
});

describe('GET /v1/sys/posture content', () => {
  it('reports what only the server knows', async () => {
    const body = (await posture(adminHeaders, '?max_key_age_days=1&key_rotation_days=1')).json();
    expect(body).toMatchObject({
      format: 'strongroom-posture-v1',
      mode: 'development',
      root_key: { source: 'configured', sealed: false },
      initial_password_file: { exists: false },
      deployment: { database: 'sqlite', redis_configured: false },
      log_level: 'info',
      passwords: { meets_owasp_minimum: true, bcrypt: { count: 1, ids: [bcryptUser] } },
      // API keys expire by default.
      api_keys: { max_age_days: 1, without_expiry: { count: 0 }, older_than_max_age: { count: 0 } },
    });
    expect(body.administrators.count).toBeGreaterThanOrEqual(2);
    expect(body.api_keys.live).toBeGreaterThanOrEqual(2);
    // The canary admin never logged in.
    expect(body.administrators.without_recent_login.count).toBeGreaterThanOrEqual(1);
    expect(body.policy.wildcard_grants).toContainEqual({ role: 'admin', rule: 0 });
    expect(body.policy.plain_without_purpose).toContainEqual({ role: 'admin', rule: 0, conditional: false });
    const dataDir = body.files.find((f: { name: string }) => f.name === 'data_dir');
    expect(dataDir).toMatchObject({ exists: true, owned_by_server: true });
    expect(body.audit.head_seq).toBeGreaterThan(0);
  });

  it('counts the initial password file and a group-readable data directory', async () => {
    const file = path.join(t.dataDir, 'initial-admin-password');
    await fs.writeFile(file, 'x\n', { mode: 0o644 });
    await fs.chmod(t.dataDir, 0o755);
    try {
      const body = (await posture(adminHeaders)).json();
      expect(body.initial_password_file.exists).toBe(true);
      expect(body.files).toContainEqual(
        expect.objectContaining({ name: 'data_dir', mode: '0755', group_or_other_access: true }),
      );
    } finally {
      await fs.rm(file);
      await fs.chmod(t.dataDir, 0o700);
    }
  });

  it('never carries a secret, whatever the windows asked for', async () => {
    const users = await t.services.database.db.selectFrom('users').select('password_hash').execute();
    const signing = await t.services.database.db
      .selectFrom('signing_keys')
      .select('private_key_sealed')
      .execute();
    const secrets = [
      CANARY_PASSWORD,
      canaryKey,
      auditorKey,
      ROOT_KEY,
      Buffer.from(ROOT_KEY, 'base64').toString('hex'),
      ...users.map((u) => u.password_hash),
      ...signing.map((k) => k.private_key_sealed),
    ];
    const day = fc.integer({ min: 1, max: 3650 });
    await fc.assert(
      fc.asyncProperty(day, day, day, async (keys, logins, rotation) => {
        const query = `?max_key_age_days=${keys}&login_window_days=${logins}&key_rotation_days=${rotation}`;
        const response = await posture({ 'x-api-key': auditorKey }, query);
        expect(response.statusCode).toBe(200);
        for (const secret of secrets) expect(response.body).not.toContain(secret);
        expect(response.body).not.toMatch(/\$argon2id\$|\$2[aby]\$|sr[kr]_|-----BEGIN/);
      }),
      { numRuns: 15 },
    );
  });
});

describe.skipIf(TEST_DATABASE_URL === null)('GET /v1/sys/posture on PostgreSQL', () => {
  let pg: TestApp;
  beforeAll(async () => {
    pg = await createTestApp({ database: 'postgres' });
  });
  afterAll(async () => {
    await pg?.close();
  });

  it('counts from the same queries, and says Redis is missing', async () => {
    const admin = await loggedInUser(pg, ['admin']);
    const idle = await createUser(pg, ['admin']);
    await pg.services.apiKeys.create(idle.id, randomUUID(), { name: 'old' });
    const imported = await createUser(pg);
    await pg.services.database.db
      .updateTable('users')
      .set({ password_hash: await bcrypt.hash('Imported-password-1', 4) })
      .where('id', '=', imported.id)
      .execute();
    const response = await pg.app.inject({ url: '/v1/sys/posture', headers: admin.headers });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      deployment: { database: 'postgres', redis_configured: false },
      passwords: { users: 3, bcrypt: { count: 1, ids: [imported.id] } },
      administrators: { count: 2, without_recent_login: { count: 1, ids: [idle.id] } },
      api_keys: { live: 1 },
    });
    expect(body.files.map((f: { name: string }) => f.name)).not.toContain('database');
    expect(body.keys.signing.age_days).toBe(0);
  });
});
