/**
 * `strongroom backup` refusing bad input through the built binary: a wrong key, flipped bytes, truncation, bytes
 * after the end and a non-empty target are refused with their code and exit status and write nothing; a SIGKILL
 * during `backup create` never leaves a file named FILE that is not a complete backup, and the live database stays
 * intact; on PostgreSQL `backup create` refuses, pointing to pg_dump.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackupFixture, call, cli, KEPT_NAME, plainEnv, startBackupFixture } from './backup-harness.js';
import { CLI, type CliServer } from './cli-harness.js';

describe('backup refusals on SQLite', () => {
  let fixture: BackupFixture;
  let server: CliServer;
  let apiKey = '';
  let keyFile = '';
  let backupFile = '';
  let keptId = '';
  const at = (name: string) => fixture.at(name);

  beforeAll(async () => {
    fixture = await startBackupFixture();
    ({ server, apiKey, keyFile, backupFile, keptId } = fixture);
    expect(
      cli(['backup', 'create', backupFile, '--data-dir', server.dataDir, '--key-file', keyFile]).status,
    ).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a wrong key, a flipped byte, a truncated file and a non-empty target, writing nothing', () => {
    const target = at('refused');
    const restore = (file: string, key = keyFile, dir = target) =>
      cli(['backup', 'restore', file, '--key-file', key, '--data-dir', dir, '--without-erasure-log']);
    const otherKey = at('other.key');
    expect(cli(['backup', 'keygen', otherKey]).status).toBe(0);
    const wrong = restore(backupFile, otherKey);
    expect([wrong.status, wrong.stderr]).toEqual([9, expect.stringContaining('BACKUP_WRONG_KEY')]);

    const original = fs.readFileSync(backupFile);
    const manifestEnd = 13 + original.readUInt32BE(9);
    const variants: Array<[string, Buffer, string]> = [];
    for (const offset of [
      manifestEnd - 3,
      manifestEnd + 40,
      Math.floor(original.length / 2),
      original.length - 1,
    ]) {
      const flipped = Buffer.from(original);
      flipped[offset] = (flipped[offset] ?? 0) ^ 0x01;
      variants.push([`flip@${offset}`, flipped, 'BACKUP_CORRUPT']);
    }
    // The last chunk removed exactly at its boundary: every chunk left authenticates, the final flag is missing.
    let offset = manifestEnd;
    let lastStart = offset;
    while (offset < original.length) {
      lastStart = offset;
      offset += 5 + original.readUInt32BE(offset + 1);
    }
    variants.push(['without last chunk', original.subarray(0, lastStart), 'BACKUP_TRUNCATED']);
    variants.push(['cut mid-chunk', original.subarray(0, manifestEnd + 1000), 'BACKUP_TRUNCATED']);
    variants.push(['extra byte', Buffer.concat([original, Buffer.from([0])]), 'BACKUP_CORRUPT']);
    for (const [name, bytes, code] of variants) {
      const file = at(`variant.backup`);
      fs.writeFileSync(file, bytes);
      const result = restore(file);
      expect([name, result.status, result.stderr]).toEqual([name, 9, expect.stringContaining(code)]);
      expect(fs.existsSync(target), name).toBe(false);
      expect(cli(['backup', 'verify', file, '--key-file', keyFile]).status, name).toBe(9);
    }
    expect(fs.readdirSync(server.dir).filter((name) => name.includes('.restore-'))).toEqual([]);

    const busy = at('busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'keep.txt'), 'mine');
    const occupied = restore(backupFile, keyFile, busy);
    expect([occupied.status, occupied.stderr]).toEqual([
      6,
      expect.stringContaining('BACKUP_TARGET_NOT_EMPTY'),
    ]);
    expect(fs.readdirSync(busy)).toEqual(['keep.txt']);
    expect(cli(['backup', 'verify', backupFile, '--key-file', keyFile]).status).toBe(0);

    const nowhere = path.join(at('missing-dir'), 'x.backup');
    const created = cli(['backup', 'create', nowhere, '--data-dir', server.dataDir, '--key-file', keyFile]);
    expect([created.status, created.stderr]).toEqual([2, expect.stringContaining('is not a directory')]);
    expect(fs.readdirSync(server.dataDir).filter((name) => name.startsWith('.backup-'))).toEqual([]);
  }, 120_000);

  it('leaves FILE as the previous complete backup when backup create is SIGKILLed mid-way', async () => {
    // A large-ish database: 40 MB more pages (a table of random blobs written beside the running server; the
    // write quota would make as many records over the API take minutes), so the copy and the encryption take a while.
    const filler = new SQLite(path.join(server.dataDir, 'strongroom.db'), { fileMustExist: true });
    try {
      filler.pragma('busy_timeout = 10000');
      filler.exec('CREATE TABLE test_filler (b BLOB NOT NULL)');
      const insert = filler.prepare('INSERT INTO test_filler (b) VALUES (?)');
      filler.transaction(() => {
        for (let i = 0; i < 640; i++) insert.run(randomBytes(64 * 1024));
      })();
      filler.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      filler.close();
    }
    expect(fs.statSync(path.join(server.dataDir, 'strongroom.db')).size).toBeGreaterThan(30_000_000);
    const previous = fs.readFileSync(backupFile);
    const killed = { copy: 0, encrypt: 0 };
    for (let attempt = 0; attempt < 8 && (killed.copy === 0 || killed.encrypt === 0); attempt++) {
      // Odd attempts wait for the encrypted output to start growing, even ones kill during the copy.
      const phase = attempt % 2 === 0 ? 'copy' : 'encrypt';
      const child = spawn(
        'node',
        [CLI, 'backup', 'create', backupFile, '--data-dir', server.dataDir, '--key-file', keyFile],
        {
          stdio: 'ignore',
          env: plainEnv(),
        },
      );
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      let done = false;
      void exited.then(() => {
        done = true;
      });
      const ready = () => {
        if (phase === 'copy')
          return fs.readdirSync(server.dataDir).some((name) => name.startsWith('.backup-'));
        return fs
          .readdirSync(server.dir)
          .some(
            (name) =>
              name.startsWith('strongroom.backup.partial-') &&
              fs.statSync(path.join(server.dir, name)).size > 0,
          );
      };
      while (!done && !ready()) await new Promise((resolve) => setTimeout(resolve, 2));
      child.kill('SIGKILL');
      const { signal } = await exited;
      if (signal === 'SIGKILL') killed[phase] += 1;
      // Whatever happened, FILE is a complete backup: the previous one, or (if the command won the race) a new one.
      const now = fs.readFileSync(backupFile);
      if (signal === 'SIGKILL') expect(now.equals(previous)).toBe(true);
      expect(cli(['backup', 'verify', backupFile, '--key-file', keyFile]).status).toBe(0);
      for (const name of fs.readdirSync(server.dir).filter((n) => n.startsWith('strongroom.backup.partial-')))
        fs.rmSync(path.join(server.dir, name));
      for (const name of fs.readdirSync(server.dataDir).filter((n) => n.startsWith('.backup-')))
        fs.rmSync(path.join(server.dataDir, name), { recursive: true });
    }
    // At least one kill landed while the encrypted output was being written (and FILE stayed the previous one).
    expect(killed.encrypt).toBeGreaterThanOrEqual(1);
    const db = new SQLite(path.join(server.dataDir, 'strongroom.db'), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    const kept = await call(
      server.url,
      server.caFile,
      apiKey,
      'GET',
      `/v1/collections/people/records/${keptId}?reveal=name`,
    );
    expect((kept.body.fields as { name: string }).name).toBe(KEPT_NAME);
    expect(cli(['audit', 'verify', '--data-dir', server.dataDir]).status).toBe(0);
  }, 300_000);
});

describe('backup create on PostgreSQL', () => {
  it('refuses, pointing to pg_dump and the docs', () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'strongroom-pg-backup-'));
    try {
      const key = path.join(dir, 'backup.key');
      expect(cli(['backup', 'keygen', key]).status).toBe(0);
      const result = cli(
        ['backup', 'create', path.join(dir, 'x.backup'), '--data-dir', dir, '--key-file', key],
        {
          STRONGROOM_DATABASE_URL: 'postgres://strongroom@127.0.0.1:1/strongroom',
        },
      );
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('BACKUP_UNSUPPORTED_DATABASE');
      expect(result.stderr).toContain('pg_dump');
      expect(result.stderr).toContain('docs/backup.md');
      expect(fs.existsSync(path.join(dir, 'x.backup'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
