/**
 * Regression (adversarial review, issue 1): a restore brought back a revoked API key, a deleted record and a
 * deleted user although the log since the backup recorded them, and left every session of the backup alive.
 * `backup restore --erasures LOG` now replays `api_key.revoke`, `record.delete` and `user.delete` with the
 * erasures, revokes every session, and revokes the keys of (and names) the users whose settings changed.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackupFixture,
  backUp,
  call,
  cli,
  eraseSubject,
  expectErasedAndKept,
  exportTrail,
  serveRestored,
  startBackupFixture,
} from './backup-harness.js';
import { json } from './cli-harness.js';

describe('backup restore replays revocations and deletions recorded since the backup', () => {
  let f: BackupFixture;
  let serviceKey = '';
  let deletedRecord = '';
  let bob = '';
  let alice = '';
  let restored = { status: null as number | null, stdout: '', stderr: '' };
  const target = () => f.at('restored-revocations');

  beforeAll(async () => {
    f = await startBackupFixture();
    const run = (args: string[], input?: string) => {
      const result = f.server.run(args, input === undefined ? {} : { input });
      expect(result.status, result.stderr).toBe(0);
      return result;
    };
    const svc = json<{ id: string }>(run(['users', 'create', 'svc', '--service', '--json'])).id;
    const minted = json<{ id: string; key: string }>(
      run(['api-keys', 'create', 'svc-key', '--user', svc, '--json']),
    );
    serviceKey = minted.key;
    bob = json<{ id: string }>(run(['users', 'create', 'bob', '--service', '--json'])).id;
    alice = json<{ id: string }>(run(['users', 'create', 'alice', '--service', '--json'])).id;
    deletedRecord = String(
      json(
        run(
          ['records', 'put', 'people', '--subject', 'subject-to-keep', '--json'],
          JSON.stringify({ name: 'x' }),
        ),
      ).id,
    );
    backUp(f);

    run(['api-keys', 'revoke', minted.id, '--user', svc]);
    run(['records', 'delete', 'people', deletedRecord]);
    run(['users', 'delete', bob, '--yes']);
    run(['users', 'update', alice, '--attribute', 'team=blue']);
    await eraseSubject(f);
    const { head } = exportTrail(f, 'since.jsonl');
    restored = cli([
      'backup',
      'restore',
      f.backupFile,
      '--key-file',
      f.keyFile,
      '--data-dir',
      target(),
      ...['--erasures', f.at('since.jsonl'), '--expect-head', head],
    ]);
  }, 240_000);
  afterAll(async () => {
    await f?.server?.close();
  });

  it('says what it replayed, that everyone signs in again, and whom to reset', () => {
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('replayed 1 subject erasures');
    expect(restored.stdout).toContain('1 record deletions, 1 API key revocations, 1 user deletions');
    expect(restored.stdout).toMatch(/revoked all [1-9]\d* sessions: every user signs in again/);
    expect(restored.stdout).toContain(
      `users whose password or settings changed since the backup: their old password and settings are back — reset them (their API keys were revoked): ${alice}`,
    );
  });

  it('leaves no live session in the restored database', () => {
    const db = new Database(path.join(target(), 'strongroom.db'), { readonly: true });
    try {
      const row = db.prepare('select count(*) as live from sessions where revoked_at is null').get() as {
        live: number;
      };
      expect(row.live).toBe(0);
    } finally {
      db.close();
    }
  });

  it('serves without the revoked key, the deleted record, the deleted user and the erased subject', async () => {
    await serveRestored(f, target(), async (node) => {
      expect((await call(node.url, node.ca, serviceKey, 'GET', '/v1/me')).status).toBe(401);
      expect((await node.record(deletedRecord)).status).toBe(404);
      await expectErasedAndKept(f, node);
      expect((await call(node.url, node.ca, f.apiKey, 'GET', `/v1/users/${bob}`)).status).toBe(404);
      expect((await call(node.url, node.ca, f.apiKey, 'GET', `/v1/users/${alice}`)).status).toBe(200);
    });
    const verified = cli(['audit', 'verify', '--data-dir', target()]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  }, 180_000);
});
