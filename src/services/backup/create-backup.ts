/**
 * `strongroom backup create`: an encrypted, consistent backup of a SQLite deployment, running or stopped.
 * Steps: the database is copied with SQLite's online backup API into a private directory inside the data
 * directory (same owner and mode as the live database: the copy exposes nothing the live file does not); the
 * copy and the sealed keyring file (when there is one: it holds no key, only check values) are encrypted into a
 * temporary file beside FILE, which is fsynced and renamed over FILE, and the directory fsynced. So FILE is
 * either absent, the previous complete backup, or the new complete one: a crash or SIGKILL part-way leaves at
 * most a `.partial-*` file (and the copy's directory `<data-dir>/.backup-*`), never a file named FILE that is
 * not whole. The root key (master key file or value) is never part of a backup.
 * Threats addressed: reading a backup without the backup key; a half-written file taken for a backup. Not
 * addressed: PostgreSQL (use pg_dump, docs/backup.md); a backup key stolen together with the backups.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { readSnapshotFacts, snapshotSqlite } from '../../storage/index.js';
import { VERSION } from '../../version.js';
import { type BackupEntry, type BackupManifest, backupKeyId, CHUNK_BYTES, newSalt } from './backup-format.js';
import { readBackupKey } from './backup-key.js';
import { writeBackupStream } from './backup-stream.js';
import { syncDirectory } from './durable-file.js';

type BackupConfig = Pick<
  Config,
  'databaseUrl' | 'dataDir' | 'sqlitePath' | 'keyring' | 'keyringFile' | 'masterKeyFile' | 'masterKey'
>;

/** Writes an encrypted backup of the configured SQLite database to `file`; returns its manifest. */
export async function createBackup(
  config: Readonly<BackupConfig>,
  options: { file: string; keyFile: string },
  clock: () => number = Date.now,
): Promise<BackupManifest> {
  if (config.databaseUrl !== null)
    throw new AppError('BACKUP_UNSUPPORTED_DATABASE', {
      field: 'databaseUrl',
      message:
        'backup create works on SQLite only: back a PostgreSQL deployment up with pg_dump (docs/backup.md, "PostgreSQL")',
    });
  const key = readBackupKey(
    options.keyFile,
    config.keyring === 'auto' ? { masterKeyFile: config.masterKeyFile, masterKey: config.masterKey } : null,
  );
  if (!fs.existsSync(config.sqlitePath))
    throw new AppError('CONFIG_FILE_MISSING', {
      field: 'dataDir',
      message: `no database at ${config.sqlitePath}: check --data-dir`,
    });
  const target = path.resolve(options.file);
  const work = await fsp.mkdtemp(path.join(config.dataDir, '.backup-'));
  const partial = `${target}.partial-${randomBytes(6).toString('hex')}`;
  try {
    await fsp.chmod(work, 0o700);
    const snapshot = path.join(work, 'strongroom.db');
    await snapshotSqlite(config.sqlitePath, snapshot);
    const facts = readSnapshotFacts(snapshot);
    const files: BackupEntry[] = [{ name: 'strongroom.db', size: (await fsp.stat(snapshot)).size }];
    const sources = [snapshot];
    if (fs.existsSync(config.keyringFile)) {
      files.push({ name: 'keyring.json', size: (await fsp.stat(config.keyringFile)).size });
      sources.push(config.keyringFile);
    }
    const manifest: BackupManifest = {
      format: 'strongroom-backup',
      version: 1,
      created_at: new Date(clock()).toISOString(),
      strongroom_version: VERSION,
      database: 'sqlite',
      migrations: facts.migrations,
      audit: facts.audit,
      files,
      key_id: backupKeyId(key),
      salt: newSalt(),
      chunk_bytes: CHUNK_BYTES,
    };
    const out = await fsp.open(partial, 'wx', 0o600);
    try {
      await writeBackupStream(out, key, manifest, sources);
      await out.sync();
    } finally {
      await out.close();
    }
    await fsp.rename(partial, target);
    await syncDirectory(path.dirname(target));
    return manifest;
  } finally {
    await fsp.rm(partial, { force: true });
    await fsp.rm(work, { recursive: true, force: true });
  }
}
