/**
 * Three real `strongroom serve` processes on one PostgreSQL schema and one Redis prefix (issue 12, item 5):
 * - a logout, a password change, a disabled user and a deleted API key, through node A, are honoured by B and C
 *   within 1 s (PROPAGATION_MS);
 * - a login lockout and a quota taken through A hold on B and C (Redis);
 * - a policy change through A is in force on B and C within the policy refresh window (POLICY_WINDOW_MS);
 * - concurrent audit appends from the three nodes form one chain that `strongroom audit verify` accepts;
 * - PostgreSQL connections terminated under load: no node exits, every acknowledged write is there, service
 *   resumes;
 * - audit sinks: one node ships each sink at a time; when its holder is SIGKILLed another takes over; the
 *   receivers get every event, in order, with duplicates only around the takeover;
 * - a key rotation job runs once, on one node, and when that node is SIGKILLed mid-job another finishes it.
 * Needs STRONGROOM_DATABASE_URL, STRONGROOM_REDIS_URL and the built CLI (`npm run build`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevCertificates, loadTlsFiles } from '../../src/tls/index.js';
import { startSyslogReceiver, startWebhookReceiver } from '../helpers/audit-receivers.js';
import { CLI, type Cluster, startCluster } from '../helpers/multinode.js';
import {
  createUser,
  delayUntil,
  delayUntilStatus,
  login,
  me,
  PROPAGATION_MS,
  strongPassword,
} from '../helpers/multinode-checks.js';
import type { Credentials, NodeAnswer } from '../helpers/multinode-http.js';
import { PATIENT_FIELDS, patient } from '../helpers/vault.js';
import { checkKeyJobs } from './key-job-scenario.js';
import { checkTerminatedConnections } from './pg-terminate-scenario.js';
import { checkSinks, startSinkTraffic } from './sink-scenario.js';

const DATABASE_URL = process.env.STRONGROOM_DATABASE_URL ?? null;
const REDIS_URL = process.env.STRONGROOM_REDIS_URL ?? null;
const suite = DATABASE_URL === null || REDIS_URL === null ? describe.skip : describe;

/** Policy versions are picked up by a refresh every 5 s (core/create-core.ts), plus the refresh's own query. */
const POLICY_WINDOW_MS = 5000 + 1500;
const SECRET = 'multinode-webhook-secret-0123456789abcdef';
const SINK_BATCH = 25;

suite('three nodes on one PostgreSQL schema and one Redis prefix', () => {
  let cluster: Cluster;
  let admin: Credentials;
  let receivers: {
    syslog: Awaited<ReturnType<typeof startSyslogReceiver>>;
    webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  };
  const measured: Record<string, number[]> = {};
  const note = (what: string, ms: number) => {
    measured[what] = [...(measured[what] ?? []), ms];
  };

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error('run `npm run build` first: the cluster runs the built CLI');
    const certs = await ensureDevCertificates(
      path.join(os.tmpdir(), `strongroom-mn-receivers-${process.pid}`),
    );
    const material = await loadTlsFiles(certs.certPath, certs.keyPath);
    const pair = { cert: Buffer.from(material.cert), key: Buffer.from(material.key) };
    receivers = {
      syslog: await startSyslogReceiver(pair),
      webhook: await startWebhookReceiver(pair, SECRET),
    };
    cluster = await startCluster({
      nodes: 3,
      databaseUrl: DATABASE_URL ?? '',
      redisUrl: REDIS_URL ?? '',
      env: {
        STRONGROOM_ACCOUNT_THROTTLE_FREE_ATTEMPTS: '3',
        STRONGROOM_ACCOUNT_THROTTLE_LOCKOUT_AFTER: '3',
        STRONGROOM_ACCOUNT_THROTTLE_LOCKOUT_SECONDS: '600',
        // The admin's writes (every scenario's, and the load of the terminated-connections one) stay clear of the
        // writes quota, which the quota scenario does not use: a 429 there would only thin out the load.
        STRONGROOM_QUOTA_WRITES_CAPACITY: '100000',
        STRONGROOM_QUOTA_WRITES_PER_MINUTE: '100000',
        STRONGROOM_KEY_JOB_BATCH_SIZE: '5',
        STRONGROOM_KEY_JOB_PAUSE_MS: '250',
        STRONGROOM_KEY_JOB_LEASE_MS: '4000',
        STRONGROOM_KEY_JOB_SETTLE_MS: '0',
        STRONGROOM_AUDIT_SYSLOG_URL: `tls://localhost:${receivers.syslog.port}`,
        STRONGROOM_AUDIT_SYSLOG_CA_FILE: certs.caCertPath,
        STRONGROOM_AUDIT_WEBHOOK_URL: `https://localhost:${receivers.webhook.port}/audit`,
        STRONGROOM_AUDIT_WEBHOOK_SECRET: SECRET,
        STRONGROOM_AUDIT_WEBHOOK_CA_FILE: certs.caCertPath,
        STRONGROOM_AUDIT_SINK_BATCH_SIZE: String(SINK_BATCH),
        STRONGROOM_AUDIT_SINK_RETRY_MAX_SECONDS: '1',
        STRONGROOM_AUDIT_SINK_TIMEOUT_SECONDS: '2',
        STRONGROOM_AUDIT_SINK_LEASE_SECONDS: '5',
      },
    });
    const [a] = cluster.nodes;
    admin = (await login(a as never, 'admin', cluster.adminPassword)).headers;
  }, 240_000);

  afterAll(async () => {
    console.info('multinode measurements (ms):', JSON.stringify(measured));
    await cluster?.close();
    await receivers?.syslog.close();
    await receivers?.webhook.close();
  }, 60_000);

  const nodes = () => {
    const [a, b, c] = cluster.nodes;
    if (a === undefined || b === undefined || c === undefined) throw new Error('three nodes');
    return { a, b, c, others: [b, c] };
  };

  /** Asserts `credentials` are refused by B and C (probed at the same time) within 1 s of `since`; notes the delays. */
  async function expectRefusedOnOthers(what: string, credentials: Credentials, since: number) {
    const delays = await Promise.all(
      nodes().others.map((node) => delayUntilStatus(node, me(credentials), 401, since, PROPAGATION_MS)),
    );
    for (const [i, delay] of delays.entries()) {
      note(what, delay);
      expect(delay, `${what} on ${nodes().others[i]?.name}`).toBeLessThanOrEqual(PROPAGATION_MS);
    }
  }

  async function expectServedOnOthers(credentials: Credentials) {
    for (const node of nodes().others) expect((await me(credentials)(node)).status).toBe(200);
  }

  it('honours a logout through A on B and C within 1 s', async () => {
    const { a } = nodes();
    const user = await createUser(a, admin);
    const session = await login(a, user.username, user.password);
    await expectServedOnOthers(session.headers);
    const out = await a.client.post('/v1/auth/logout', undefined, session.headers);
    expect(out.status).toBeLessThan(300);
    await expectRefusedOnOthers('logout', session.headers, Date.now());
  });

  it('honours a password change through A on B and C within 1 s', async () => {
    const { a } = nodes();
    const user = await createUser(a, admin);
    const changing = await login(a, user.username, user.password);
    const other = await login(a, user.username, user.password);
    await expectServedOnOthers(other.headers);
    const changed = await a.client.request('PUT', '/v1/me/password', {
      headers: changing.headers,
      body: { current_password: user.password, new_password: strongPassword() },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBeLessThan(300);
    await expectRefusedOnOthers('password change', other.headers, Date.now());
  });

  it('honours a disabled user (session and API key) through A on B and C within 1 s', async () => {
    const { a } = nodes();
    const user = await createUser(a, admin);
    const session = await login(a, user.username, user.password);
    const key = await a.client.post('/v1/api-keys', { name: 'mn' }, session.headers);
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const keyHeaders = { 'x-api-key': key.body.key as string };
    await expectServedOnOthers(session.headers);
    await expectServedOnOthers(keyHeaders);
    const disabled = await a.client.request('PATCH', `/v1/users/${user.id}`, {
      headers: admin,
      body: { disabled: true },
    });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    const since = Date.now();
    await Promise.all([
      expectRefusedOnOthers('disable (session)', session.headers, since),
      expectRefusedOnOthers('disable (api key)', keyHeaders, since),
    ]);
  });

  it('honours an API key deletion through A on B and C within 1 s', async () => {
    const { a } = nodes();
    const user = await createUser(a, admin);
    const session = await login(a, user.username, user.password);
    const key = await a.client.post('/v1/api-keys', { name: 'mn' }, session.headers);
    const keyHeaders = { 'x-api-key': key.body.key as string };
    await expectServedOnOthers(keyHeaders);
    const deleted = await a.client.request('DELETE', `/v1/api-keys/${key.body.id}`, {
      headers: session.headers,
    });
    expect(deleted.status).toBeLessThan(300);
    await expectRefusedOnOthers('api key deletion', keyHeaders, Date.now());
    // The session that deleted it is untouched.
    await expectServedOnOthers(session.headers);
  });

  it('honours a role change through A on B and C within 1 s', async () => {
    const { a, others } = nodes();
    const user = await createUser(a, admin);
    const session = await login(a, user.username, user.password);
    for (const node of others) expect((await me(session.headers)(node)).body.roles).toEqual(['user']);
    const changed = await a.client.request('PATCH', `/v1/users/${user.id}`, {
      headers: admin,
      body: { roles: ['introspector'] },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const since = Date.now();
    const isIntrospector = (answer: NodeAnswer) =>
      answer.status === 200 && JSON.stringify(answer.body.roles) === '["introspector"]';
    const delays = await Promise.all(
      others.map((node) => delayUntil(node, me(session.headers), isIntrospector, since, PROPAGATION_MS)),
    );
    for (const delay of delays) {
      note('role change', delay);
      expect(delay).toBeLessThanOrEqual(PROPAGATION_MS);
    }
  });

  it('holds a login lockout reached through A on B and C', async () => {
    const { a, b, c } = nodes();
    const user = await createUser(a, admin);
    for (let i = 0; i < 3; i++) {
      const failed = await a.client.post('/v1/auth/login', {
        username: user.username,
        password: 'wrong password!',
      });
      expect(failed.status).toBe(401);
    }
    for (const node of [a, b, c]) {
      const right = await node.client.post('/v1/auth/login', {
        username: user.username,
        password: user.password,
      });
      expect(right.status, node.name).toBe(429);
      expect(right.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    }
  });

  it('puts a policy change through A in force on B and C within the refresh window, and its quotas hold across nodes', async () => {
    const { a, others } = nodes();
    const reader = await createUser(a, admin);
    const readerSession = await login(a, reader.username, reader.password);
    const audit = (node: typeof a) => node.client.get('/v1/audit/events?limit=1', readerSession.headers);
    for (const node of others) expect((await audit(node)).status).toBe(403);
    const current = await a.client.get('/v1/policies/current', admin);
    const document = current.body.document;
    document.roles.user.rules.push({ effect: 'allow', actions: ['read_audit'], resources: ['audit'] });
    document.roles.metered = { rules: [], quotas: { reads: { capacity: 3, per_minute: 1 } } };
    const put = await a.client.request('PUT', '/v1/policies', { headers: admin, body: document });
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
    const since = Date.now();
    expect((await audit(a)).status).toBe(200);
    for (const node of others) {
      const delay = await delayUntil(node, audit, (r) => r.status === 200, since, POLICY_WINDOW_MS, 100);
      note('policy change', delay);
      expect(delay).toBeLessThanOrEqual(POLICY_WINDOW_MS);
    }

    // The role's bucket (3, refilled at 1 a minute) lives in Redis: three reads through A use it up everywhere.
    const metered = await createUser(a, admin, ['metered']);
    const session = await login(a, metered.username, metered.password);
    for (let i = 0; i < 3; i++) {
      const read = await me(session.headers)(a);
      expect(read.status).toBe(200);
      expect(read.headers['ratelimit-limit']).toBe('3');
    }
    for (const node of others) {
      const refused = await me(session.headers)(node);
      expect(refused.status, node.name).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
    }
  }, 60_000);

  it('chains concurrent audit appends from the three nodes into one trail that verifies', async () => {
    const { a, b, c } = nodes();
    const created = await a.client.post(
      '/v1/collections',
      { name: 'mn_patients', fields: PATIENT_FIELDS },
      admin,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const purpose = { ...admin, 'x-access-purpose': 'support' };
    const writes = [a, b, c].flatMap((node, i) =>
      Array.from({ length: 12 }, (_, n) =>
        node.client.post('/v1/collections/mn_patients/records', { fields: patient(i * 100 + n) }, admin),
      ),
    );
    const answers = await Promise.all(writes);
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 201));
    // Reads are group-committed per node, writes commit with their event: both kinds race on the chain head.
    const reads = await Promise.all(
      answers.map((r, i) =>
        [a, b, c][i % 3]?.client.get(`/v1/collections/mn_patients/records/${r.body.id}?reveal=name`, purpose),
      ),
    );
    expect(reads.map((r) => r?.status)).toEqual(reads.map(() => 200));
    const { rows } = await cluster.control.query(
      `select count(*)::int as n from "${cluster.schema}".audit_events where action = 'record.create' and collection = 'mn_patients'`,
    );
    expect(rows[0].n).toBe(answers.length);
    const verified = cluster.auditVerify();
    expect(verified.output).toMatch(/audit trail intact: \d+ events/);
    expect(verified.status).toBe(0);
  }, 60_000);

  it('survives its PostgreSQL connections being terminated under load: no exit, no lost write, service resumes', async () => {
    await checkTerminatedConnections(cluster, admin, 'mn_patients');
  }, 120_000);

  it('ships each audit sink from one node at a time, in order, and another node takes over a SIGKILLed holder', async () => {
    const traffic = startSinkTraffic(cluster, admin);
    await checkSinks(cluster, receivers, traffic, SINK_BATCH);
  }, 120_000);

  it('runs a key rotation job once, and finishes it on another node when its node is SIGKILLed', async () => {
    await checkKeyJobs(cluster, admin, note);
    const verified = cluster.auditVerify();
    expect(verified.output).toMatch(/audit trail intact/);
    expect(verified.status).toBe(0);
  }, 120_000);
});
