/**
 * The PostgreSQL path of docs/backup.md, end to end: `pg_dump` of the server's schema, a subject erased after the
 * dump, `pg_restore` into another database, `strongroom backup replay-erasures` with the trail exported from the
 * live one; the restored server serves the kept record, answers 410 for the erased one, and its audit chain
 * verifies. Runs when STRONGROOM_DATABASE_URL is set (and pg_dump is installed).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackupFixture,
  call,
  cli,
  KEPT_NAME,
  liveHead,
  serve,
  startBackupFixture,
} from './backup-harness.js';

const DATABASE_URL = process.env.STRONGROOM_DATABASE_URL;
const hasPgDump = spawnSync('pg_dump', ['--version']).status === 0;

describe.runIf(DATABASE_URL !== undefined && hasPgDump)('pg_dump, pg_restore and replay-erasures', () => {
  let fixture: BackupFixture;
  const database = `restore_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    fixture = await startBackupFixture({ postgres: true });
  }, 120_000);
  afterAll(async () => {
    await fixture?.server.close();
    await admin(`DROP DATABASE IF EXISTS "${database}"`);
  });

  it('replays the erasures made since the dump on the restored schema', async () => {
    const { server, apiKey, erasedId, keptId, at } = fixture;
    // The schema is in the 'backends in use' line, written asynchronously after "listening".
    const findSchema = () => /"schema":"([a-z0-9_]+)"/.exec(server.startupOutput())?.[1];
    for (let waited = 0; findSchema() === undefined && waited < 20_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const schema = findSchema();
    expect(schema).toMatch(/^cli_/);
    const live = {
      STRONGROOM_DATABASE_URL: DATABASE_URL as string,
      STRONGROOM_DATABASE_SCHEMA: schema as string,
    };
    const refused = cli(['backup', 'create', at('pg.backup'), '--key-file', fixture.keyFile], live);
    expect([refused.status, refused.stderr]).toEqual([
      2,
      expect.stringContaining('BACKUP_UNSUPPORTED_DATABASE'),
    ]);

    const dump = at('strongroom.dump');
    const dumped = spawnSync(
      'pg_dump',
      ['--format=custom', `--schema=${schema}`, `--file=${dump}`, DATABASE_URL as string],
      {
        encoding: 'utf8',
      },
    );
    expect(dumped.status, dumped.stderr).toBe(0);
    const erased = await call(server.url, server.caFile, apiKey, 'POST', '/v1/subjects/erase', {
      subject: 'subject-to-erase',
    });
    expect(erased.status).toBe(200);
    expect(
      (await call(server.url, server.caFile, apiKey, 'GET', `/v1/collections/people/records/${keptId}`))
        .status,
    ).toBe(200);
    const exported = cli(['audit', 'export', '--since', '2000-01-01T00:00:00Z'], live);
    expect(exported.status, exported.stderr).toBe(0);
    const log = at('since-dump.jsonl');
    fs.writeFileSync(log, exported.stdout);
    const head = liveHead([], live);

    await admin(`CREATE DATABASE "${database}"`);
    const restoredUrl = new URL(DATABASE_URL as string);
    restoredUrl.pathname = `/${database}`;
    const restored = spawnSync('pg_restore', [`--dbname=${restoredUrl.href}`, dump], { encoding: 'utf8' });
    expect(restored.status, restored.stderr).toBe(0);
    const target = {
      STRONGROOM_DATABASE_URL: restoredUrl.href,
      STRONGROOM_DATABASE_SCHEMA: schema as string,
    };
    const replayed = cli(['backup', 'replay-erasures', '--erasures', log, '--expect-head', head], target);
    expect(replayed.status, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain('replayed 1 subject erasures');

    const dataDir = at('restored-node');
    fs.mkdirSync(dataDir, { mode: 0o700 });
    fs.copyFileSync(path.join(server.dataDir, 'master.key'), path.join(dataDir, 'master.key'));
    fs.chmodSync(path.join(dataDir, 'master.key'), 0o600);
    const node = await serve(dataDir, target);
    try {
      const ca = path.join(dataDir, 'tls', 'ca.pem');
      const kept = await call(
        node.url,
        ca,
        apiKey,
        'GET',
        `/v1/collections/people/records/${keptId}?reveal=name`,
      );
      expect((kept.body.fields as { name: string }).name).toBe(KEPT_NAME);
      const gone = await call(
        node.url,
        ca,
        apiKey,
        'GET',
        `/v1/collections/people/records/${erasedId}?reveal=name`,
      );
      expect([gone.status, (gone.body.error as { code: string }).code]).toEqual([410, 'SUBJECT_ERASED']);
    } finally {
      await node.stop();
    }
    const verified = cli(['audit', 'verify'], target);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  }, 240_000);
});
