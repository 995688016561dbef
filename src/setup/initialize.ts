/**
 * `strongroom init`: everything a first start needs, idempotently: the data directory (0700), the development master
 * key (0600), the local CA and server certificate (unless a real certificate is configured), the migrated database
 * and the initial admin. Returns paths only: never a key or password.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { createPasswordHasher } from '../auth/index.js';
import type { Config } from '../config.js';
import { loadMasterKey, type MasterKeySource } from '../crypto/index.js';
import { createStores, migrateToLatest, openDatabase } from '../storage/index.js';
import { ensureDevCertificates } from '../tls/index.js';
import { ensureInitialAdmin } from './initial-admin.js';

export interface InitializeResult {
  dataDir: string;
  masterKeySource: MasterKeySource;
  masterKeyCreated: boolean;
  tls: { certPath: string; keyPath: string; caCertPath: string | null };
  initialAdminPasswordFile: string | null;
}

export function isDefaultMasterKeyFile(config: Readonly<Config>): boolean {
  return config.masterKeyFile === path.join(config.dataDir, 'master.key');
}

export async function initialize(
  config: Readonly<Config>,
  clock: () => number = Date.now,
): Promise<InitializeResult> {
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const masterKey = loadMasterKey({
    masterKey: config.masterKey,
    masterKeyFile: config.masterKeyFile,
    isDefaultFile: isDefaultMasterKeyFile(config),
  });
  let tls: InitializeResult['tls'];
  if (config.tlsCertPath !== null && config.tlsKeyPath !== null) {
    tls = { certPath: config.tlsCertPath, keyPath: config.tlsKeyPath, caCertPath: null };
  } else {
    const certs = await ensureDevCertificates(path.join(config.dataDir, 'tls'));
    tls = { certPath: certs.certPath, keyPath: certs.keyPath, caCertPath: certs.caCertPath };
  }
  const database = await openDatabase(config);
  try {
    await migrateToLatest(database.db as never);
    const initialAdminPasswordFile = await ensureInitialAdmin({
      users: createStores(database.db).users,
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
