import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDataDir, type DataDirSettings } from './data-dir.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-data-dir-'));
  dirs.push(dir);
  return dir;
}

async function findings(settings: DataDirSettings): Promise<{ rule: string; file: string }[]> {
  const found: { rule: string; file: string }[] = [];
  await checkDataDir(settings, (file) => (rule) => found.push({ rule: rule.id, file }));
  return found;
}

const settingsFor = (dir: string, masterKeyFile: string): DataDirSettings => ({
  dataDir: dir,
  masterKeyFile,
  masterKeyConfigured: false,
  keyring: 'auto',
  keyringFile: path.join(dir, 'keyring.json'),
  tlsKeyPath: '/etc/strongroom/key.pem',
  sqlitePath: path.join(dir, 'strongroom.db'),
});

describe('check deployment --data-dir (offline)', () => {
  it('reports a configured key file of any name inside the data directory as high (review finding)', async () => {
    const dir = dataDir();
    const key = path.join(dir, 'root.key');
    fs.writeFileSync(key, 'k', { mode: 0o600 });
    const found = await findings(settingsFor(dir, key));
    expect(found).toContainEqual({ rule: 'deployment/root-key-in-data-dir', file: key });
  });

  it('does not report a key file kept outside the data directory', async () => {
    const dir = dataDir();
    const outside = path.join(dataDir(), 'root.key');
    fs.writeFileSync(outside, 'k', { mode: 0o600 });
    const found = await findings(settingsFor(dir, outside));
    expect(found.map((f) => f.rule)).toEqual([]);
  });

  it('watches the database WAL and shared-memory files and finds a backup left behind', async () => {
    const dir = dataDir();
    fs.chmodSync(dir, 0o700);
    fs.writeFileSync(path.join(dir, 'strongroom.db'), '', { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'strongroom.db-wal'), '', { mode: 0o644 });
    fs.writeFileSync(path.join(dir, 'strongroom.db-shm'), '', { mode: 0o644 });
    fs.mkdirSync(path.join(dir, '.backup-abc123'), { mode: 0o700 });
    const found = await findings(settingsFor(dir, path.join(dataDir(), 'root.key')));
    expect(found).toContainEqual({
      rule: 'deployment/file-permissions',
      file: path.join(dir, 'strongroom.db-wal'),
    });
    expect(found).toContainEqual({
      rule: 'deployment/file-permissions',
      file: path.join(dir, 'strongroom.db-shm'),
    });
    expect(found).toContainEqual({
      rule: 'deployment/backup-leftover',
      file: path.join(dir, '.backup-abc123'),
    });
  });
});
