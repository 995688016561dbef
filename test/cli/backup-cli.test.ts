/**
 * `strongroom backup keygen|create|restore|replay-erasures` through the built binary, end to end on SQLite: a
 * backup of a running server; a subject erased after the backup stays erased in the restore (the erasure log
 * replayed), the restored server starts, serves the other records, and its audit chain verifies; a restore without
 * a log, or with a log that has a gap, is refused and writes nothing (backup-failures.test.ts has the rest).
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBackupStream } from '../../src/services/backup/backup-stream.js';
import {
  type BackupFixture,
  call,
  cli,
  ERASED_NAME,
  KEPT_NAME,
  liveHead,
  serve,
  startBackupFixture,
} from './backup-harness.js';
import type { CliServer } from './cli-harness.js';

describe('backup and restore on SQLite', () => {
  let fixture: BackupFixture;
  let server: CliServer;
  let apiKey = '';
  let keyFile = '';
  let backupFile = '';
  let erasedId = '';
  let keptId = '';
  let head = '';
  const at = (name: string) => fixture.at(name);

  beforeAll(async () => {
    fixture = await startBackupFixture();
    ({ server, apiKey, keyFile, backupFile, erasedId, keptId } = fixture);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('makes a 0600 key, never replaces it, and refuses a key others can read or the root key', () => {
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const before = fs.readFileSync(keyFile, 'utf8');
    const again = cli(['backup', 'keygen', keyFile]);
    expect(again.status).toBe(6);
    expect(again.stderr).toContain('BACKUP_FILE_EXISTS');
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(before);
    const loose = at('loose.key');
    fs.writeFileSync(loose, before, { mode: 0o644 });
    fs.chmodSync(loose, 0o644);
    const refused = cli([
      'backup',
      'create',
      at('x.backup'),
      '--data-dir',
      server.dataDir,
      '--key-file',
      loose,
    ]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('BACKUP_KEY_INVALID');
    const root = cli([
      'backup',
      'create',
      at('x.backup'),
      '--data-dir',
      server.dataDir,
      '--key-file',
      path.join(server.dataDir, 'master.key'),
    ]);
    expect(root.status).toBe(2);
    expect(root.stderr).toContain('BACKUP_KEY_INVALID');
    expect(fs.existsSync(at('x.backup'))).toBe(false);
    expect(`${again.stdout}${again.stderr}${refused.stderr}${root.stderr}`).not.toContain(before.trim());
  });

  it('backs up the running server; an erasure after the backup survives the restore', async () => {
    const created = cli([
      'backup',
      'create',
      backupFile,
      '--data-dir',
      server.dataDir,
      '--key-file',
      keyFile,
    ]);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/audit head \d+:[0-9a-f]{64}/);
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    const raw = fs.readFileSync(backupFile);
    expect(raw.includes(Buffer.from('people'))).toBe(false);
    expect(raw.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(fs.readdirSync(server.dataDir).filter((name) => name.startsWith('.backup-'))).toEqual([]);

    const erased = await call(server.url, server.caFile, apiKey, 'POST', '/v1/subjects/erase', {
      subject: 'subject-to-erase',
    });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    // Events after the erasure, so that a log without it has a gap (not just an earlier end).
    expect(
      (await call(server.url, server.caFile, apiKey, 'GET', `/v1/collections/people/records/${keptId}`))
        .status,
    ).toBe(200);
    const log = at('since-backup.jsonl');
    const exported = cli([
      'audit',
      'export',
      '--data-dir',
      server.dataDir,
      '--since',
      '2000-01-01T00:00:00Z',
    ]);
    expect(exported.status, exported.stderr).toBe(0);
    fs.writeFileSync(log, exported.stdout);
    head = liveHead(['--data-dir', server.dataDir]);

    const target = at('restored');
    const noLog = cli(['backup', 'restore', backupFile, '--key-file', keyFile, '--data-dir', target]);
    expect(noLog.status).toBe(2);
    expect(noLog.stderr).toContain('BACKUP_ERASURE_LOG_REQUIRED');
    // A log with a gap after the backup (one event left out) could hide an erasure: refused.
    const lines = exported.stdout.trim().split('\n');
    const gapped = at('gapped.jsonl');
    fs.writeFileSync(
      gapped,
      `${lines.filter((line) => JSON.parse(line).action !== 'subject.erase').join('\n')}\n`,
    );
    const gap = cli([
      'backup',
      'restore',
      backupFile,
      '--key-file',
      keyFile,
      '--data-dir',
      target,
      ...['--erasures', gapped, '--expect-head', head],
    ]);
    expect(gap.status).toBe(9);
    expect(gap.stderr).toContain('BACKUP_ERASURE_LOG_INVALID');
    expect(fs.existsSync(target)).toBe(false);

    const restored = cli([
      'backup',
      'restore',
      backupFile,
      '--key-file',
      keyFile,
      '--data-dir',
      target,
      ...['--erasures', log, '--expect-head', head],
    ]);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('replayed 1 subject erasures');
    expect(fs.statSync(target).mode & 0o777).toBe(0o700);
    expect(fs.existsSync(path.join(target, 'master.key'))).toBe(false);
    // The operator brings the root key (here the development key file) back beside the data.
    fs.copyFileSync(path.join(server.dataDir, 'master.key'), path.join(target, 'master.key'));
    fs.chmodSync(path.join(target, 'master.key'), 0o600);

    const second = await serve(target);
    try {
      const ca = path.join(target, 'tls', 'ca.pem');
      const kept = await call(
        second.url,
        ca,
        apiKey,
        'GET',
        `/v1/collections/people/records/${keptId}?reveal=name`,
      );
      expect(kept.status, JSON.stringify(kept.body)).toBe(200);
      expect((kept.body.fields as { name: string }).name).toBe(KEPT_NAME);
      const gone = await call(
        second.url,
        ca,
        apiKey,
        'GET',
        `/v1/collections/people/records/${erasedId}?reveal=name`,
      );
      expect(gone.status).toBe(410);
      expect((gone.body.error as { code: string }).code).toBe('SUBJECT_ERASED');
      const rewrite = await call(second.url, ca, apiKey, 'POST', '/v1/collections/people/records', {
        subject: 'subject-to-erase',
        fields: { name: ERASED_NAME },
      });
      expect(rewrite.status).toBe(410);
      expect((rewrite.body.error as { code: string }).code).toBe('SUBJECT_ERASED');
    } finally {
      await second.stop();
    }
    const verified = cli(['audit', 'verify', '--data-dir', target]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('audit trail intact');
    const db = new SQLite(path.join(target, 'strongroom.db'), { readonly: true });
    try {
      const replay = db
        .prepare("SELECT count(*) AS n FROM audit_events WHERE actor = 'system:restore'")
        .get() as { n: number };
      expect(replay.n).toBe(1);
    } finally {
      db.close();
    }
  }, 180_000);

  it('replays an erasure log on a database restored without one (the pg_restore path), once', () => {
    const target = at('restored-later');
    const restored = cli([
      'backup',
      'restore',
      backupFile,
      '--key-file',
      keyFile,
      '--data-dir',
      target,
      '--without-erasure-log',
    ]);
    expect(restored.status, restored.stderr).toBe(0);
    const stillThere = () => {
      const db = new SQLite(path.join(target, 'strongroom.db'), { readonly: true });
      try {
        return (
          db.prepare('SELECT erased_at FROM records WHERE id = ?').get(erasedId) as {
            erased_at: number | null;
          }
        ).erased_at;
      } finally {
        db.close();
      }
    };
    expect(stillThere()).toBeNull();
    const log = at('since-backup.jsonl');
    const replay = () =>
      cli(['backup', 'replay-erasures', '--data-dir', target, '--erasures', log, '--expect-head', head]);
    const replayed = replay();
    expect(replayed.status, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain('replayed 1 subject erasures');
    expect(stillThere()).not.toBeNull();
    // The database has moved on (the replay's own event): the same log no longer continues its head.
    const again = replay();
    expect([again.status, again.stderr]).toEqual([9, expect.stringContaining('BACKUP_ERASURE_LOG_INVALID')]);
    expect(cli(['audit', 'verify', '--data-dir', target]).status).toBe(0);
  }, 120_000);

  it('carries a sealed keyring file along, byte for byte', () => {
    const dir = at('sealed');
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dir);
    const shares = cli(['operator', 'init', '--data-dir', dataDir, '--shares', '3', '--threshold', '2']);
    expect(shares.status, shares.stderr).toBe(0);
    expect(cli(['init', '--data-dir', dataDir, '--keyring', 'sealed']).status).toBe(0);
    const file = path.join(dir, 'sealed.backup');
    const made = cli([
      'backup',
      'create',
      file,
      '--data-dir',
      dataDir,
      '--keyring',
      'sealed',
      '--key-file',
      keyFile,
    ]);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/files: strongroom\.db \(\d+ bytes\), keyring\.json \(\d+ bytes\)/);
    const target = path.join(dir, 'restored');
    const restored = cli([
      'backup',
      'restore',
      file,
      '--key-file',
      keyFile,
      '--data-dir',
      target,
      '--without-erasure-log',
    ]);
    expect(restored.status, restored.stderr).toBe(0);
    expect(fs.readdirSync(target).sort()).toEqual(['keyring.json', 'strongroom.db']);
    expect(fs.readFileSync(path.join(target, 'keyring.json'))).toEqual(
      fs.readFileSync(path.join(dataDir, 'keyring.json')),
    );
  });

  it('never puts the root key in a backup, in any form', async () => {
    const rootText = fs.readFileSync(path.join(server.dataDir, 'master.key'), 'utf8').trim();
    const backupKey = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64');
    const parts: Buffer[] = [];
    for await (const item of readBackupStream(backupFile, backupKey))
      if ('chunk' in item) parts.push(item.chunk);
    const payload = Buffer.concat(parts);
    expect(payload.subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(payload.includes(Buffer.from(rootText))).toBe(false);
    expect(payload.includes(Buffer.from(rootText, 'base64'))).toBe(false);
  });
});
