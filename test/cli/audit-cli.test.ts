/**
 * End-to-end: `strongroom audit verify | export | checkpoints` from the compiled CLI, over a database written by a
 * real app and then tampered with directly.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordMany, resetTrail } from '../audit/helpers.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const CLI = path.resolve('dist/src/cli/main.js');
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_')),
);

let t: TestApp;
let dataDir: string;
const cli = (...args: string[]) =>
  spawnSync('node', [CLI, 'audit', ...args, '--data-dir', dataDir], { encoding: 'utf8', env });

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  t = await createTestApp();
  dataDir = t.dataDir;
  // Start from an empty trail: the app records the default policy it installs at start (policy.update).
  await resetTrail(t);
  await recordMany(t, 40);
  await t.services.audit.checkpointNow();
  await recordMany(t, 5, 41);
  // Close the app but keep its data directory for the CLI.
  await t.app.close();
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('strongroom audit', () => {
  it('verify reports an intact chain', () => {
    const result = cli('verify');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('audit trail intact: 45 events (seq 1..45)');
  });

  it('export streams a time range as JSONL', () => {
    const result = cli('export', '--since', '2000-01-01T00:00:00Z', '--format', 'jsonl');
    expect(result.status).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; hash: string });
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(cli('export', '--since', '2999-01-01T00:00:00Z').stdout).toBe('');
    expect(cli('export').status).not.toBe(0);
  });

  it('verify names the first bad seq, and catches truncation against exported checkpoints', () => {
    const file = path.join(dataDir, 'checkpoints.json');
    const exported = cli('checkpoints', '--out', file);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toContain('1 signed checkpoints written');

    const db = new SQLite(path.join(dataDir, 'strongroom.db'));
    try {
      db.prepare("update audit_events set outcome = 'allowed' where seq = 10 and outcome = 'denied'").run();
      const changed = cli('verify');
      expect(changed.status).toBe(1);
      expect(changed.stdout).toContain('FAILED: changed at seq 10');

      // Truncate to 5 and cover every trace in the database: head row rewritten, checkpoints removed.
      db.prepare('delete from audit_events where seq > 5').run();
      const five = db.prepare('select hash from audit_events where seq = 5').get() as { hash: string };
      db.prepare('update audit_chain_head set seq = 5, hash = ? where id = 1').run(five.hash);
      db.prepare('delete from audit_checkpoints').run();
      expect(cli('verify').status).toBe(0);
      const truncated = cli('verify', '--checkpoints', file);
      expect(truncated.status).toBe(1);
      expect(truncated.stdout).toContain('FAILED: truncated at seq 6');
    } finally {
      db.close();
    }
  });
});
