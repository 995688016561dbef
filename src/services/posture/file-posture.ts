/**
 * Server-side `stat` of the files a deployment's secrets live in: the data directory, the SQLite database, the
 * development key file or the configured key file, the sealed keyring, the TLS private key and the initial admin
 * password file, SQLite's WAL and shared-memory files, and database copies an interrupted backup left behind.
 * Invariant: files are stat'ed, never opened; only paths, modes and ownership are reported.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { isInsideDirectory } from '../../tls/index.js';
import type { FilePosture } from './posture-types.js';

/** The working directory `strongroom backup create` copies the database into (services/backup/create-backup.ts). */
export const BACKUP_WORK_PREFIX = '.backup-';
const MAX_LEFTOVERS = 16;

export interface WatchedFile {
  readonly name: string;
  readonly path: string;
}

/** One file's mode and ownership, or `exists: false`. */
export async function statFile(file: WatchedFile, uid: number | null): Promise<FilePosture> {
  const stat = await fs.stat(file.path).catch(() => null);
  if (stat === null) {
    return {
      name: file.name,
      path: file.path,
      exists: false,
      mode: null,
      owned_by_server: null,
      group_or_other_access: null,
    };
  }
  const bits = stat.mode & 0o777;
  return {
    name: file.name,
    path: file.path,
    exists: true,
    mode: `0${bits.toString(8).padStart(3, '0')}`,
    owned_by_server: uid === null ? null : stat.uid === uid,
    group_or_other_access: (bits & 0o077) !== 0,
  };
}

export interface FileSettings {
  dataDir: string;
  sqlitePath: string | null;
  masterKeyFile: string | null;
  keyringFile: string | null;
  tlsKeyPath: string | null;
  initialPasswordFile: string;
}

/** The files to stat for these settings (those that do not apply are left out). */
export function watchedFiles(settings: FileSettings): WatchedFile[] {
  const files: (WatchedFile | null)[] = [
    { name: 'data_dir', path: settings.dataDir },
    settings.sqlitePath === null ? null : { name: 'database', path: settings.sqlitePath },
    // SQLite's write-ahead log and shared memory hold recent pages of the database: the same data, the same mode.
    settings.sqlitePath === null ? null : { name: 'database_wal', path: `${settings.sqlitePath}-wal` },
    settings.sqlitePath === null ? null : { name: 'database_shm', path: `${settings.sqlitePath}-shm` },
    settings.masterKeyFile === null ? null : { name: 'master_key', path: settings.masterKeyFile },
    settings.keyringFile === null ? null : { name: 'keyring', path: settings.keyringFile },
    { name: 'tls_key', path: settings.tlsKeyPath ?? path.join(settings.dataDir, 'tls', 'server-key.pem') },
    // The local CA's key signs certificates the development set-up trusts: it exists only without --tls-cert.
    settings.tlsKeyPath === null
      ? { name: 'tls_ca_key', path: path.join(settings.dataDir, 'tls', 'ca-key.pem') }
      : null,
    { name: 'initial_password', path: settings.initialPasswordFile },
  ];
  return files.filter((file): file is WatchedFile => file !== null);
}

/**
 * The unencrypted database copies an interrupted `strongroom backup create` left behind (`<data-dir>/.backup-*`):
 * erasures made after the copy never reach them.
 */
export async function backupLeftovers(dataDir: string): Promise<WatchedFile[]> {
  const entries = await fs.readdir(dataDir).catch(() => [] as string[]);
  return entries
    .filter((entry) => entry.startsWith(BACKUP_WORK_PREFIX))
    .slice(0, MAX_LEFTOVERS)
    .map((entry) => ({ name: 'backup_leftover', path: path.join(dataDir, entry) }));
}

/**
 * A key file is the root key source and lies inside the data directory (links resolved, any name, the development
 * `master.key` included): a copy of the directory then holds the key to everything sealed in it.
 */
export function keyFileInsideDataDir(config: {
  keyring: 'auto' | 'sealed';
  masterKey: string | null;
  masterKeyFile: string;
  dataDir: string;
}): boolean {
  if (config.keyring === 'sealed' || config.masterKey !== null) return false;
  return isInsideDirectory(config.masterKeyFile, config.dataDir);
}

/** Every watched file's posture, in the order given. */
export function filePosture(files: readonly WatchedFile[]): Promise<FilePosture[]> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  return Promise.all(files.map((file) => statFile(file, uid)));
}
