/**
 * Rotation survives a crash: 20,000 records, a collection key rotation started on the built server, the server
 * killed with SIGKILL mid-job and restarted on the same data directory. The job resumes from its committed cursor
 * (progress never goes backwards), finishes, every record decrypts, each record was re-encrypted exactly once, and
 * reads and writes issued while the job ran all succeeded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { systemCaller } from '../../src/services/index.js';
import { initialize } from '../../src/setup/initialize.js';
import { loadTlsFiles } from '../../src/tls/index.js';
import { strongPassword } from '../helpers/test-app.js';
import { patient } from '../helpers/vault.js';

const CLI = path.resolve('dist/src/cli/main.js');
const RECORDS = 20_000;
const SERVER_ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_'))),
  STRONGROOM_KEY_JOB_BATCH_SIZE: '100',
  STRONGROOM_KEY_JOB_PAUSE_MS: '20',
  STRONGROOM_KEY_JOB_LEASE_MS: '1000',
  STRONGROOM_KEY_JOB_SETTLE_MS: '0',
  // One token writes as fast as it can and finally reveals all 20,000 records, which is what quotas exist to stop:
  // they are raised to their maximum, out of this test's way (as for the benchmarks).
  ...Object.fromEntries(
    ['READS', 'WRITES', 'REVEAL', 'ADMIN'].flatMap((group) => [
      [`STRONGROOM_QUOTA_${group}_CAPACITY`, '1000000'],
      [`STRONGROOM_QUOTA_${group}_PER_MINUTE`, '1000000'],
    ]),
  ),
};

interface Job {
  id: string;
  status: string;
  total: number;
  done: number;
}

function call(
  base: string,
  ca: Buffer,
  token: string | null,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      new URL(route, base),
      {
        method,
        ca,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token === null ? {} : { authorization: `Bearer ${token}`, 'x-access-purpose': 'support' }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: text === '' ? {} : JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('node', [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: SERVER_ENV,
  });
  let stdout = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}`)), 20_000);
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on (https:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${stdout}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('key rotation across a SIGKILL', () => {
  let dir: string;
  let dataDir: string;
  let server: ChildProcess | null = null;
  const admin = { username: 'rotation-admin', password: strongPassword() };
  const ids: string[] = [];

  async function openInProcess() {
    const config = loadConfig({ dataDir, logLevel: 'silent' }, {});
    const setup = await initialize(config);
    const tls = await loadTlsFiles(setup.tls.certPath, setup.tls.keyPath);
    return buildApp(config, { tls });
  }

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-rotation-'));
    dataDir = path.join(dir, 'data');
    // Seed in-process through the services, then close: the server processes below open the same data.
    const built = await openInProcess();
    const { services } = built;
    await services.users.create({ ...admin, roles: ['admin'] });
    const collection = await services.collections.create('seed', {
      name: 'patients',
      fields: [
        { name: 'name', type: 'name', sensitive: true },
        { name: 'email', type: 'email', sensitive: true, searchable: true },
        { name: 'ssn', type: 'ssn', sensitive: true },
        { name: 'tenant_id', type: 'string' },
      ],
    });
    const caller = systemCaller('seed', ['admin'], 'support');
    for (let n = 0; n < RECORDS; n += 500) {
      const chunk = Array.from({ length: 500 }, (_, i) => {
        const { name, email, ssn, tenant_id } = patient(n + i + 1);
        return services.records.create(caller, collection, { fields: { name, email, ssn, tenant_id } });
      });
      for (const created of await Promise.all(chunk)) ids.push(created.id);
    }
    await built.app.close();
  }, 120_000);

  afterAll(async () => {
    if (server !== null) await killed(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resumes after SIGKILL, finishes, and every record decrypts', async () => {
    const ca = fs.readFileSync(path.join(dataDir, 'tls', 'ca.pem'));
    let run = await startServer(dataDir);
    server = run.child;
    const login = await call(run.url, ca, null, 'POST', '/v1/auth/login', admin);
    expect(login.status).toBe(200);
    const token = login.json.access_token as string;
    const api = (method: string, route: string, body?: unknown) =>
      call(run.url, ca, token, method, route, body);

    // Reads and writes while the job runs; stopped before each kill, so every request counted had a live server.
    const outcomes: number[] = [];
    const written: string[] = [];
    const patched = new Set<string>();
    let serving = true;
    const traffic = async () => {
      for (let i = 0; serving; i++) {
        const id = ids[(i * 7919) % ids.length] as string;
        outcomes.push((await api('GET', `/v1/collections/patients/records/${id}?reveal=ssn`)).status);
        const { name, email, ssn } = patient(RECORDS + i + 1);
        const created = await api('POST', '/v1/collections/patients/records', {
          fields: { name, email, ssn, tenant_id: 'x' },
        });
        outcomes.push(created.status);
        if (created.status === 201) written.push(created.json.id as string);
        patched.add(id);
        outcomes.push(
          (await api('PATCH', `/v1/collections/patients/records/${id}`, { fields: { tenant_id: 'y' } }))
            .status,
        );
      }
    };

    const started = await api('POST', '/v1/keys/rotate', { target: 'collection', collection: 'patients' });
    expect(started.status).toBe(202);
    const jobId = (started.json.job as Job).id;
    expect((started.json.job as Job).total).toBe(RECORDS);
    const observed: number[] = [];
    let loop = traffic();
    for (;;) {
      const job = (await api('GET', `/v1/keys/jobs/${jobId}`)).json as unknown as Job;
      observed.push(job.done);
      if (job.done > 0) break;
      await sleep(20);
    }
    await sleep(300);
    serving = false;
    await loop;
    const beforeKill = ((await api('GET', `/v1/keys/jobs/${jobId}`)).json as unknown as Job).done;
    observed.push(beforeKill);
    expect(beforeKill).toBeGreaterThan(0);
    expect(beforeKill).toBeLessThan(RECORDS);
    await killed(run.child);

    run = await startServer(dataDir);
    server = run.child;
    serving = true;
    loop = traffic();
    let final: Job;
    for (;;) {
      const job = (await api('GET', `/v1/keys/jobs/${jobId}`)).json as unknown as Job;
      observed.push(job.done);
      if (job.status !== 'running') {
        final = job;
        break;
      }
      await sleep(50);
    }
    serving = false;
    await loop;

    // Progress never went backwards, and the restarted server began where the killed one had committed.
    for (let i = 1; i < observed.length; i++)
      expect(observed[i]).toBeGreaterThanOrEqual(observed[i - 1] ?? 0);
    expect(final.status).toBe('completed');
    expect(final.done).toBe(final.total);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.filter((s) => s !== 200 && s !== 201)).toEqual([]);

    // Every record decrypts over the API.
    let cursor: string | null = null;
    let count = 0;
    do {
      const route: string = `/v1/collections/patients/records?reveal=ssn&limit=200${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = (await api('GET', route)).json as {
        records: Array<{ fields: { ssn: string | null } }>;
        next_cursor: string | null;
      };
      for (const record of page.records) expect(record.fields.ssn).toMatch(/^\d{3}-\d{2}-\d{4}$/);
      count += page.records.length;
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(count).toBe(RECORDS + written.length);
    await killed(run.child);
    server = null;

    // In storage: nothing left under version 1, which is retired, and no record was re-encrypted twice.
    const built = await openInProcess();
    try {
      const { stores } = built.services;
      const collection = await built.services.collections.get('patients');
      expect(await stores.recordQueries.countUnderOldKey(collection.keyId, 2)).toBe(0);
      expect((await stores.keys.findDataKey(collection.keyId, 1))?.wrapped).toBe('');
      // A seed record that no request patched went from revision 1 to 2 with the job, exactly once.
      const twice = await built.services.database.db
        .selectFrom('records')
        .select('id')
        .where('revision', '>', 2)
        .execute();
      expect(twice.filter((r) => !patched.has(r.id))).toEqual([]);
    } finally {
      await built.app.close();
    }
  }, 120_000);
});
