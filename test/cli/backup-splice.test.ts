/**
 * Regression (adversarial review, issue 2): whoever holds the backup key can decrypt an old backup, copy a newer
 * copy's audit tables (audit_events, audit_chain_head, audit_checkpoints, audit_signing_keys) into its database
 * and encrypt it again. The chain then verifies and links to the live head, so the log since it is empty, and an
 * erasure recorded only in the spliced-in events came back. A restore now replays the allowed erasures of the
 * database's own chain too: the erased subject stays erased.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackupFixture,
  backUp,
  cli,
  eraseSubject,
  expectErasedAndKept,
  exportTrail,
  serveRestored,
  startBackupFixture,
} from './backup-harness.js';

const AUDIT_TABLES = ['audit_events', 'audit_chain_head', 'audit_checkpoints', 'audit_signing_keys'];

describe('backup restore of an old database with a newer audit chain spliced in', () => {
  let f: BackupFixture;
  const restore = (file: string, dir: string, erasures: string[]) =>
    cli(['backup', 'restore', file, '--key-file', f.keyFile, '--data-dir', dir, ...erasures]);

  beforeAll(async () => {
    f = await startBackupFixture();
    backUp(f);
    await eraseSubject(f);
  }, 180_000);
  afterAll(async () => {
    await f?.server?.close();
  });

  it('replays the erasure the spliced-in chain records: the subject stays erased', async () => {
    // The forger's "newer backup": a copy of the live database (its audit tables), taken after the erasure.
    const newer = f.at('newer.db');
    const copied = spawnSync(
      'sqlite3',
      [path.join(f.server.dataDir, 'strongroom.db'), `.backup '${newer}'`],
      {
        encoding: 'utf8',
      },
    );
    expect(copied.status, copied.stderr).toBe(0);
    const old = f.at('old');
    const opened = restore(f.backupFile, old, ['--without-erasure-log']);
    expect(opened.status, opened.stderr).toBe(0);
    const db = new Database(path.join(old, 'strongroom.db'));
    try {
      db.pragma('foreign_keys = OFF');
      db.prepare('attach database ? as newer').run(newer);
      db.transaction(() => {
        for (const table of AUDIT_TABLES) {
          db.exec(`delete from main.${table}`);
          db.exec(`insert into main.${table} select * from newer.${table}`);
        }
      })();
      db.exec('detach database newer');
    } finally {
      db.close();
    }
    // Encrypted again under the backup key: a well-formed backup whose chain links to the live head.
    const spliced = f.at('spliced.backup');
    const made = cli(['backup', 'create', spliced, '--data-dir', old, '--key-file', f.keyFile]);
    expect(made.status, made.stderr).toBe(0);
    const { head } = exportTrail(f, 'since.jsonl');

    const target = f.at('restored-spliced');
    const restored = restore(spliced, target, ['--erasures', f.at('since.jsonl'), '--expect-head', head]);
    expect(restored.status, restored.stderr).toBe(0);
    await serveRestored(f, target, (node) => expectErasedAndKept(f, node));
    expect(restored.stdout).toContain('erasure log: 0 events after the backup');
    expect(restored.stdout).toContain('replayed 1 subject erasures');
  }, 240_000);
});
