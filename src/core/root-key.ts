/**
 * Where the root key comes from: a master key (environment, file, or the development key file next to the data),
 * or a sealed keyring that stays sealed until operators send their Shamir shares (POST /v1/sys/unseal).
 * The key is only read here; the holder unseals when the core starts, so every unseal listener is registered first.
 */
import type { Config } from '../config.js';
import {
  createRootKeyHolder,
  createUnsealSession,
  loadMasterKey,
  readSealedKeyring,
} from '../crypto/index.js';
import { isDefaultMasterKeyFile } from '../setup/initialize.js';

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
