/**
 * `strongroom backup restore` and `backup verify`.
 * Restore invariants:
 * - Only into an empty (or missing) data directory; anything else is refused before a byte is read.
 * - Nothing final is written before the whole file has authenticated: the payload is decrypted into a private
 *   staging directory beside the target, each file fsynced; then the database is checked (SQLite integrity check,
 *   audit head equal to the manifest's, schema migrations known to this release), brought to this release's
 *   schema, the erasure log and the database's own chain replayed and every session revoked (erasure-replay.ts)
 *   and the audit chain verified; only then are the files renamed into place (the database last) and the
 *   directories fsynced. On any failure the staging directory is removed and the target is as it was.
 * - A restore never undoes an erasure: it requires the erasure log recorded since the backup together with the
 *   live trail's head it must end at (`erasures: { file, expectHead }`, erasure-log.ts), or the explicit statement
 *   that none exists (`erasures: null`, `--without-erasure-log`).
 * - It needs no root key and restores none: the operator puts the root key file (or sets STRONGROOM_MASTER_KEY)
 *   or brings the keyring's shares, as docs/backup.md says.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors.js';
import {
  createPersistence,
  isSqliteIntact,
  MIGRATION_NAMES,
  migrateToLatest,
  openDatabase,
  readSnapshotFacts,
  settleSqliteFile,
} from '../../storage/index.js';
import { verifyStoredChain } from '../audit/index.js';
import type { BackupManifest } from './backup-format.js';
import { readBackupKey } from './backup-key.js';
import { readBackupStream } from './backup-stream.js';
import { syncDirectory, syncFile } from './durable-file.js';
import { type AuditHead, type ErasureLog, readErasureLog } from './erasure-log.js';
import { type ReplayResult, replayErasures } from './erasure-replay.js';

export interface RestoreResult {
  manifest: BackupManifest;
  erasureLog: ErasureLog | null;
  replayed: ReplayResult;
}

/** Decrypts `file` into `dir` (null: nowhere, only checked), file by file as the manifest lists them. */
async function decryptPayload(file: string, key: Buffer, dir: string | null): Promise<BackupManifest> {
  let manifest: BackupManifest | undefined;
  let entry = 0;
  let left = 0;
  let out: fs.promises.FileHandle | null = null;
  const next = async () => {
    if (out !== null) await out.close();
    out = null;
    const spec = manifest?.files[entry];
    if (spec === undefined) return false;
    left = spec.size;
    if (dir !== null) out = await fsp.open(path.join(dir, spec.name), 'wx', 0o600);
    return true;
  };
  const corrupt = () =>
    new AppError('BACKUP_CORRUPT', {
      message: 'the payload does not match the manifest: the file was altered',
    });
  try {
    for await (const item of readBackupStream(file, key)) {
      if ('manifest' in item) {
        manifest = item.manifest;
        if (!(await next())) throw corrupt();
        continue;
      }
      let chunk = item.chunk;
      while (chunk.length > 0) {
        while (left === 0) {
          entry += 1;
          if (!(await next())) throw corrupt();
        }
        const part = chunk.subarray(0, Math.min(left, chunk.length));
        if (out !== null) await (out as fs.promises.FileHandle).write(part);
        left -= part.length;
        chunk = chunk.subarray(part.length);
      }
    }
    while (left === 0 && manifest !== undefined && entry < manifest.files.length - 1) {
      entry += 1;
      await next();
    }
    if (manifest === undefined || left !== 0 || entry !== manifest.files.length - 1) throw corrupt();
    return manifest;
  } finally {
    if (out !== null) await (out as fs.promises.FileHandle).close();
  }
}

/** Authenticates the whole of `file` under the key in `keyFile`; returns its manifest. Writes nothing. */
export async function verifyBackup(options: { file: string; keyFile: string }): Promise<BackupManifest> {
  return decryptPayload(options.file, readBackupKey(options.keyFile), null);
}

function assertEmptyTarget(dir: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return false;
  }
  if (!stat.isDirectory() || fs.readdirSync(dir).length > 0)
    throw new AppError('BACKUP_TARGET_NOT_EMPTY', {
      field: 'dataDir',
      message: `${dir} is not an empty directory: restore only into a new or empty data directory (nothing was changed)`,
    });
  return true;
}

async function prepareDatabase(
  db: string,
  manifest: BackupManifest,
  log: ErasureLog | null,
  clock: () => number,
) {
  const unknown = manifest.migrations.filter((name) => !MIGRATION_NAMES.includes(name));
  if (unknown.length > 0)
    throw new AppError('BACKUP_SCHEMA_TOO_NEW', {
      message: `the backup's schema has migrations this release does not know (${unknown.join(', ')}): restore with the release that made it (${manifest.strongroom_version}) or a later one`,
    });
  const facts = isSqliteIntact(db) ? readSnapshotFacts(db) : null;
  if (facts === null || facts.audit.seq !== manifest.audit.seq || facts.audit.hash !== manifest.audit.hash)
    throw new AppError('BACKUP_CORRUPT', {
      message: 'the database in the backup is not the one its manifest names',
    });
  const database = await openDatabase({ databaseUrl: null, databaseSchema: null, sqlitePath: db });
  try {
    await migrateToLatest(database.db as never);
    const persistence = createPersistence(database);
    // Also without a log: the database's own chain is replayed and every session revoked (erasure-replay.ts).
    const replayed = await replayErasures(persistence, log, clock);
    const verdict = await verifyStoredChain(persistence.stores.audit);
    if (!verdict.ok)
      throw new AppError('BACKUP_CORRUPT', {
        message: `the audit chain in the backup does not verify (${verdict.problem})`,
      });
    return replayed;
  } finally {
    await database.close();
  }
}

/** Restores `file` into the new or empty directory `dataDir`; see the module comment for what is checked. */
export async function restoreBackup(
  options: {
    file: string;
    keyFile: string;
    dataDir: string;
    erasures: { file: string; expectHead: AuditHead } | null | undefined;
  },
  clock: () => number = Date.now,
): Promise<RestoreResult> {
  const target = path.resolve(options.dataDir);
  const exists = assertEmptyTarget(target);
  if (options.erasures === undefined)
    throw new AppError('BACKUP_ERASURE_LOG_REQUIRED', {
      field: 'erasures',
      message:
        'give the audit events recorded since the backup with --erasures FILE (`strongroom audit export --since …` of the current deployment) and the live head they end at with --expect-head SEQ:HASH (`strongroom audit verify`), or --without-erasure-log when no event after the backup exists anywhere (docs/backup.md)',
    });
  const key = readBackupKey(options.keyFile);
  const parent = path.dirname(target);
  await fsp.mkdir(parent, { recursive: true });
  const staging = await fsp.mkdtemp(path.join(parent, `.${path.basename(target)}.restore-`));
  try {
    await fsp.chmod(staging, 0o700);
    const manifest = await decryptPayload(options.file, key, staging);
    const { erasures } = options;
    const log =
      erasures === null ? null : await readErasureLog(erasures.file, manifest.audit, erasures.expectHead);
    const db = path.join(staging, 'strongroom.db');
    const replayed = await prepareDatabase(db, manifest, log, clock);
    settleSqliteFile(db);
    const names = manifest.files.map((f) => f.name).reverse();
    for (const name of names) await syncFile(path.join(staging, name));
    await syncDirectory(staging);
    if (!exists) {
      assertEmptyTarget(target);
      await fsp.rename(staging, target);
    } else {
      assertEmptyTarget(target);
      // The database last: a directory holding it holds everything the backup had.
      for (const name of names) await fsp.rename(path.join(staging, name), path.join(target, name));
      await syncDirectory(target);
      await fsp.rmdir(staging);
    }
    await syncDirectory(parent);
    return { manifest, erasureLog: log, replayed };
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
}
