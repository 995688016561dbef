/**
 * `strongroom operator migrate`: moves a data directory from a key file (the development key file, a key file, or
 * STRONGROOM_MASTER_KEY) to a sealed keyring, with the server stopped.
 * What it protects: every value sealed directly with the root key (master key versions, token-signing and audit
 * checkpoint keys) is opened with the current key and resealed with a new random root key, which is split into
 * Shamir shares; the keys derived from the root key that HMAC stored values (subject ids, audit identifiers, see
 * ROOT_DERIVATIONS) are carried over, sealed with the new root key, so every lookup and audit search still matches.
 * Invariants: nothing changes unless the current key opens every value; the keyring file is written (never over
 * an existing one) and the shares handed out before the database commits, in one transaction; if the commit fails
 * the keyring file is removed and the old key keeps working; the development key file is deleted once the commit
 * succeeded. Data keys and everything under them are untouched (they are wrapped by the master keys).
 * Not addressed: copies of the old key (backups of the key file or the environment): they still open backups of
 * the database made before the migration; destroy them.
 */

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { signingKeyAad } from '../auth/index.js';
import type { Config } from '../config.js';
import { configError } from '../config.js';
import {
  deriveFromRoot,
  initSealedKeyring,
  loadMasterKey,
  open,
  PERSISTENT_DERIVATIONS,
  rootDerivationAad,
  type SealedKeyring,
  seal,
} from '../crypto/index.js';
import { isAppError } from '../errors.js';
import { checkpointKeyAad } from '../services/audit/index.js';
import { masterKeyAad } from '../services/index.js';
import {
  createRootSealedStore,
  migrateToLatest,
  openDatabase,
  type RootSealedValue,
} from '../storage/index.js';
import { isDefaultMasterKeyFile } from './initialize.js';

function aadOf(value: Pick<RootSealedValue, 'kind' | 'id'>): string {
  if (value.kind === 'master_key') return masterKeyAad(Number(value.id));
  if (value.kind === 'signing_key') return signingKeyAad(value.id);
  if (value.kind === 'audit_signing_key') return checkpointKeyAad(value.id);
  return rootDerivationAad(value.id);
}

/** The root key of the data directory now: the configured key or key file (never created here). */
function currentRootKey(config: Readonly<Config>) {
  if (config.keyring === 'sealed') {
    throw configError(
      'CONFIG_CONFLICT',
      'keyring',
      'operator migrate moves data from a key file to a sealed keyring: run it without --keyring sealed, with the key the server uses now',
    );
  }
  const isDefaultFile = isDefaultMasterKeyFile(config);
  return {
    isDefaultFile,
    master: () =>
      loadMasterKey({ masterKey: config.masterKey, masterKeyFile: config.masterKeyFile, isDefaultFile }),
  };
}

/** True when the configured database already holds master key versions (data sealed under some root key). */
export async function holdsSealedData(config: Readonly<Config>): Promise<boolean> {
  const database = await openDatabase(config);
  try {
    await migrateToLatest(database.db as never);
    return (await createRootSealedStore(database.db).listRootSealed()).some((v) => v.kind === 'master_key');
  } finally {
    await database.close();
  }
}

export interface MigrationResult {
  keyring: SealedKeyring;
  /** Values resealed: master key versions, signing keys, audit checkpoint keys, pinned keys. */
  resealed: number;
  /** The development key file, deleted; null when the key came from elsewhere (destroy it yourself). */
  deletedKeyFile: string | null;
}

/**
 * Migrates; `handOut` receives the shares once the keyring file exists and before the database commits (if the
 * commit then fails, the file is removed and the error thrown: the shares handed out are void).
 */
export async function migrateRootKey(
  config: Readonly<Config>,
  options: { shares: number; threshold: number; clock?: () => number },
  handOut: (shares: readonly string[], keyring: SealedKeyring) => void,
): Promise<MigrationResult> {
  const clock = options.clock ?? Date.now;
  const source = currentRootKey(config);
  if (source.isDefaultFile && config.masterKey === null) {
    // loadMasterKey would create a fresh development key: there would be nothing it could open.
    await fs.access(config.masterKeyFile).catch(() => {
      throw configError(
        'CONFIG_FILE_MISSING',
        'masterKeyFile',
        `no key to migrate from: ${config.masterKeyFile} does not exist (for a new data directory, run strongroom operator init)`,
      );
    });
  }
  const old = source.master();
  const database = await openDatabase(config);
  const newRoot = randomBytes(32);
  try {
    await migrateToLatest(database.db as never);
    const store = createRootSealedStore(database.db);
    const values = await store.listRootSealed();
    if (!values.some((v) => v.kind === 'master_key')) {
      throw configError(
        'CONFIG_CONFLICT',
        'dataDir',
        'the database holds no master key yet, so there is nothing to migrate: run strongroom operator init, then serve --keyring sealed',
      );
    }
    const opened = values.map((value) => {
      try {
        return { ...value, plain: open(old.key, value.sealed, aadOf(value)) };
      } catch (error) {
        if (!isAppError(error)) throw error;
        throw configError(
          'CONFIG_CONFLICT',
          'masterKey',
          `the configured key does not open the database's ${value.kind.replace(/_/g, ' ')} ${value.id}: configure the key the server uses now (STRONGROOM_MASTER_KEY, STRONGROOM_MASTER_KEY_FILE or the development key file)`,
        );
      }
    });
    const pinnedAlready = new Set(opened.filter((v) => v.kind === 'root_derivation').map((v) => v.id));
    const pins = PERSISTENT_DERIVATIONS.filter((label) => !pinnedAlready.has(label)).map((label) => ({
      label,
      sealed: seal(newRoot, deriveFromRoot(old.key, label), rootDerivationAad(label)),
    }));
    const resealed = opened.map((v) => ({
      kind: v.kind,
      id: v.id,
      sealed: seal(newRoot, v.plain, aadOf(v)),
    }));
    for (const v of opened) v.plain.fill(0);

    const { keyring, shares } = await initSealedKeyring(config.keyringFile, {
      ...options,
      clock,
      root: newRoot,
    });
    handOut(shares, keyring);
    try {
      await store.replaceRootSealed(resealed, pins, clock());
    } catch (error) {
      await fs.rm(config.keyringFile, { force: true });
      throw error;
    }
    const deletedKeyFile = old.source === 'development-key-file' ? config.masterKeyFile : null;
    if (deletedKeyFile !== null) await fs.rm(deletedKeyFile, { force: true });
    return { keyring, resealed: resealed.length + pins.length, deletedKeyFile };
  } finally {
    newRoot.fill(0);
    old.key.fill(0);
    await database.close();
  }
}
