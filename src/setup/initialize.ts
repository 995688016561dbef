/**
 * `strongroom init`: everything a first start needs, idempotently: the data directory (0700), the development master
 * key (0600; not with a sealed keyring, which `strongroom operator init` creates), the local CA and server
 * certificate (unless a real certificate is configured), the migrated database and the initial admin. Returns
 * paths only: never a key or password.
 * Like ssh with ~/.ssh, it refuses (POSIX only) an existing data or `tls/` directory that another user owns or that
 * group or others may read, write or enter: they could read the database and keys, or swap in their own master key.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createPasswordHasher } from '../auth/index.js';
import type { Config } from '../config.js';
import { loadMasterKey, type RootKeySource } from '../crypto/index.js';
import { AppError } from '../errors.js';
import { createPersistence, migrateToLatest, openDatabase } from '../storage/index.js';
import { ensureDevCertificates } from '../tls/index.js';
import { ensureInitialAdmin } from './initial-admin.js';

export interface InitializeResult {
  dataDir: string;
  masterKeySource: RootKeySource;
  masterKeyCreated: boolean;
  tls: { certPath: string; keyPath: string; caCertPath: string | null };
  initialAdminPasswordFile: string | null;
}

export function isDefaultMasterKeyFile(config: Readonly<Config>): boolean {
  return config.masterKeyFile === path.join(config.dataDir, 'master.key');
}

/**
 * The development key file is created when it is missing, but never beside a database that already holds master
 * key versions: a new key cannot open them (a restored data directory without its master.key, say), and the
 * server would then fail at start with nothing to say why, a stray key left beside the data.
 */
async function refuseNewKeyOverSealedData(config: Readonly<Config>): Promise<void> {
  if (config.keyring === 'sealed' || config.masterKey !== null || !isDefaultMasterKeyFile(config)) return;
  if (existsSync(config.masterKeyFile)) return;
  if (config.databaseUrl === null && !existsSync(config.sqlitePath)) return;
  const database = await openDatabase(config);
  try {
    await migrateToLatest(database.db as never);
    const versions = await createPersistence(database).stores.keys.listMasterKeys();
    if (versions.length === 0) return;
    throw new AppError('CONFIG_FILE_MISSING', {
      field: 'masterKeyFile',
      message:
        `the database already holds data sealed under a root key, but ${config.masterKeyFile} does not exist: ` +
        'put the master.key it was created with back in place (or set STRONGROOM_MASTER_KEY_FILE or STRONGROOM_MASTER_KEY); a new key would not open it',
    });
  } finally {
    await database.close();
  }
}

/** Prepares the data directory, master key, TLS files, database and initial admin; safe to run again. */
export async function initialize(
  config: Readonly<Config>,
  clock: () => number = Date.now,
): Promise<InitializeResult> {
  await ensurePrivateDirectory(config.dataDir);
  await refuseNewKeyOverSealedData(config);
  // A sealed keyring is created by `strongroom operator init`; no key file may appear beside it.
  const masterKey =
    config.keyring === 'sealed'
      ? { source: 'sealed-keyring' as const, created: false }
      : loadMasterKey({
          masterKey: config.masterKey,
          masterKeyFile: config.masterKeyFile,
          isDefaultFile: isDefaultMasterKeyFile(config),
        });
  let tls: InitializeResult['tls'];
  if (config.tlsCertPath !== null && config.tlsKeyPath !== null) {
    tls = { certPath: config.tlsCertPath, keyPath: config.tlsKeyPath, caCertPath: null };
  } else {
    const tlsDir = path.join(config.dataDir, 'tls');
    await ensurePrivateDirectory(tlsDir);
    const certs = await ensureDevCertificates(tlsDir);
    tls = { certPath: certs.certPath, keyPath: certs.keyPath, caCertPath: certs.caCertPath };
  }
  const database = await openDatabase(config);
  try {
    await migrateToLatest(database.db as never);
    const initialAdminPasswordFile = await ensureInitialAdmin({
      users: createPersistence(database).stores.users,
      hasher: createPasswordHasher(config.argon2),
      dataDir: config.dataDir,
      clock,
    });
    return {
      dataDir: config.dataDir,
      masterKeySource: masterKey.source,
      masterKeyCreated: masterKey.created,
      tls,
      initialAdminPasswordFile,
    };
  } finally {
    await database.close();
  }
}

/**
 * Creates `dir` with mode 0700 if missing; throws if it is not a directory (CONFIG_INVALID_VALUE) or not private to
 * the current user (CONFIG_FILE_INSECURE), with `dataDir` as the field and the fix in the message.
 */
export async function ensurePrivateDirectory(dir: string): Promise<void> {
  const notADirectory = (cause?: unknown) =>
    new AppError('CONFIG_INVALID_VALUE', {
      field: 'dataDir',
      message: `data directory ${dir} is not a directory`,
      cause,
    });
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    // mkdir fails this way when `dir` (or a parent of it) is a file.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw notADirectory(error);
    throw error;
  }
  const stats = await fs.stat(dir);
  if (!stats.isDirectory()) throw notADirectory();
  // Ownership and mode bits mean nothing on platforms without getuid (Windows).
  const uid = process.getuid?.();
  if (uid === undefined) return;
  if (stats.uid !== uid) {
    throw new AppError('CONFIG_FILE_INSECURE', {
      field: 'dataDir',
      message:
        `data directory ${dir} is owned by uid ${stats.uid}, not by the user running Strongroom (uid ${uid}); ` +
        `run Strongroom as its owner, or: chown ${uid} ${dir}`,
    });
  }
  if ((stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(3, '0');
    throw new AppError('CONFIG_FILE_INSECURE', {
      field: 'dataDir',
      message: `data directory ${dir} is accessible by other users (mode ${mode}); run: chmod 700 ${dir}`,
    });
  }
}
