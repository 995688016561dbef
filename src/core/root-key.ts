/**
 * Where the root key comes from: a master key (environment, file, or the development key file next to the data),
 * or a sealed keyring that stays sealed until operators send their Shamir shares (POST /v1/sys/unseal).
 * The key is only read here; the holder unseals when the core starts, so every unseal listener is registered first.
 * Invariants: a sealed start refuses a database whose master keys the development key file opens, or that predate
 * the keyring (by more than clock skew) unless `operator migrate` moved them, so operators are told to migrate
 * before they hand in shares; keys pinned by a migration are loaded before any other unseal listener derives.
 */
import fs from 'node:fs';
import type { Config } from '../config.js';
import { configError } from '../config.js';
import {
  createRootKeyHolder,
  createUnsealSession,
  loadMasterKey,
  open,
  ROOT_DERIVATIONS,
  type RootDerivation,
  type RootKeyHolder,
  readSealedKeyring,
  rootDerivationAad,
  type SealedKeyring,
} from '../crypto/index.js';
import { AppError, isAppError } from '../errors.js';
import { masterKeyAad } from '../services/index.js';
import { isDefaultMasterKeyFile } from '../setup/initialize.js';
import {
  createRootSealedStore,
  type DatabaseHandle,
  type KeyStore,
  type MasterKeyRow,
  type RootSealedStore,
} from '../storage/index.js';

export async function openRootKey(config: Readonly<Config>, clock: () => number) {
  const sealedKeyring = config.keyring === 'sealed' ? await readSealedKeyring(config.keyringFile) : null;
  const masterKey =
    sealedKeyring === null
      ? loadMasterKey({
          masterKey: config.masterKey,
          masterKeyFile: config.masterKeyFile,
          isDefaultFile: isDefaultMasterKeyFile(config),
        })
      : null;
  const rootKey = createRootKeyHolder(masterKey?.source ?? 'sealed-keyring');
  const unsealSession =
    sealedKeyring === null ? null : createUnsealSession({ keyring: sealedKeyring, holder: rootKey, clock });
  return { rootKey, sealedKeyring, unsealSession, masterKey };
}

export type OpenedRootKey = Awaited<ReturnType<typeof openRootKey>>;

/** What to tell an operator whose data was sealed under another root key than the one configured now. */
export function migrateAdvice(config: Readonly<Config>): string {
  const devKey = isDefaultMasterKeyFile(config) && fs.existsSync(config.masterKeyFile);
  const under = devKey
    ? `the development key file ${config.masterKeyFile}`
    : 'another root key (a master key)';
  return (
    `the database already holds data sealed under ${under}, which a new sealed keyring cannot open. ` +
    'To move it to a sealed keyring, stop the server, move the keyring file away if `operator init` made one, and run, ' +
    'with the key it uses now configured as for `serve`: strongroom operator migrate --shares 5 --threshold 3'
  );
}

/**
 * Refuses a sealed start on data whose first master key version is older than the keyring and that no migration
 * moved (no pinned keys): unsealing could only end in an error once every operator had handed in a share.
 */
export async function checkSealedStart(
  config: Readonly<Config>,
  keyring: SealedKeyring | null,
  stores: { masterKeys: () => Promise<MasterKeyRow[]>; rootSealed: Pick<RootSealedStore, 'listDerivations'> },
): Promise<void> {
  if (keyring === null) return;
  const masters = await stores.masterKeys();
  const first = masters[0];
  if (first === undefined) return;
  const refuse = () =>
    configError('CONFIG_CONFLICT', 'keyring', `cannot start with --keyring sealed: ${migrateAdvice(config)}`);
  if (developmentKeyOpens(config, masters)) throw refuse();
  // Clocks of the operator's machine and the node may differ a little: only a clear predating counts.
  if (first.createdAt >= Date.parse(keyring.createdAt) - CLOCK_SKEW_MS) return;
  if ((await stores.rootSealed.listDerivations()).length > 0) return;
  throw refuse();
}

const CLOCK_SKEW_MS = 10 * 60_000;

/** True when the development key file next to the data opens one of the stored master key versions. */
function developmentKeyOpens(config: Readonly<Config>, masters: readonly MasterKeyRow[]): boolean {
  if (!isDefaultMasterKeyFile(config) || !fs.existsSync(config.masterKeyFile)) return false;
  const sealed = masters.find((row) => row.wrapped !== '');
  if (sealed === undefined) return false;
  const { key } = loadMasterKey({
    masterKey: null,
    masterKeyFile: config.masterKeyFile,
    isDefaultFile: true,
  });
  try {
    open(key, sealed.wrapped, masterKeyAad(sealed.version)).fill(0);
    return true;
  } catch {
    return false;
  } finally {
    key.fill(0);
  }
}

/** Loads the keys a migration pinned from an earlier root key; the first unseal listener. */
export async function loadPinnedDerivations(
  rootKey: Pick<RootKeyHolder, 'get' | 'pin'>,
  store: Pick<RootSealedStore, 'listDerivations'>,
): Promise<void> {
  for (const row of await store.listDerivations()) {
    if (!(row.label in ROOT_DERIVATIONS)) continue;
    rootKey.pin(row.label as RootDerivation, open(rootKey.get(), row.sealed, rootDerivationAad(row.label)));
  }
}

/** The store of root-sealed values, once `checkSealedStart` passed; closes the database when it did not. */
export async function openRootSealed(
  config: Readonly<Config>,
  keyring: SealedKeyring | null,
  database: DatabaseHandle,
  keys: Pick<KeyStore, 'listMasterKeys'>,
): Promise<RootSealedStore> {
  const rootSealed = createRootSealedStore(database.db);
  try {
    await checkSealedStart(config, keyring, { masterKeys: () => keys.listMasterKeys(), rootSealed });
  } catch (error) {
    await database.close();
    throw error;
  }
  return rootSealed;
}

/**
 * Rethrows a root key that fails to open what is sealed under it at start as a configuration error that says
 * what to do: the data was sealed under another root key (a restore without its master.key, a key file swapped),
 * rather than a bare authentication failure from the first store that tried.
 */
export function explainKeyMismatch(error: unknown): never {
  if (!isAppError(error, 'SEALED_VALUE_FAILED_AUTH')) throw error;
  throw new AppError('CONFIG_ROOT_KEY_MISMATCH', {
    field: 'masterKeyFile',
    message:
      'the configured root key does not open what this data directory or database holds: it was sealed under another root key. ' +
      'Configure the key it was created with (the master.key kept with it or its backup, STRONGROOM_MASTER_KEY_FILE or STRONGROOM_MASTER_KEY)',
    cause: error,
  });
}
