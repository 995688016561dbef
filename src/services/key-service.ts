/**
 * The key hierarchy: root key (from the configured source) → master key versions (sealed with the root key, in
 * `master_keys`) → data keys (wrapped by one master version, in `data_keys`) → field ciphertexts.
 * Invariants:
 * - Plaintext keys exist only in memory: master keys in a small map, data keys in a bounded LRU cache; storage sees
 *   wrapped keys only. A master key version is bound to its number, a data key to its id and version (AAD), so
 *   wrapped keys cannot be relabelled or swapped.
 * - New data keys are always wrapped by the newest master version; older versions stay until a rewrap job has moved
 *   every data key off them (see key-jobs), so no key is ever unreadable during a rotation.
 * - A destroyed data key (subject erasure) is refused from storage and evicted from this node's cache at once.
 *   Another node may keep it cached until evicted, but erasure removes every ciphertext it could open from the
 *   live database in the same transaction (records emptied, tokens deleted), so there is nothing left to decrypt.
 * Threats addressed: database or backup disclosure without the root key. Not addressed: a compromised process.
 */
import { createDataKey, type RootKey, unwrapDataKey, wrapDataKey } from '../crypto/index.js';
import { AppError } from '../errors.js';
import type { DataKeyPurpose, KeyStore } from '../storage/index.js';
import { createMasterKeys } from './master-keys.js';

/**
 * The scheme new data key versions are made under (data_keys.scheme): 2 = a token key version only feeds HKDF
 * (token-keys.ts) and emails are blind-indexed case-insensitively (records/equality-text.ts); 1 = before that.
 */
export const DATA_KEY_SCHEME = 2;

export interface DataKeyRef {
  keyId: string;
  keyVersion: number;
}

export interface KeyService {
  /** Loads the master key versions, creating the first one on a new database. Runs when the root key arrives. */
  init(): Promise<void>;
  currentMasterVersion(): number;
  /**
   * Inserts the next master version through `store` (a transaction's, so it commits with its rotation job);
   * null when another node inserted that version first. Call `reloadMasters` after the commit to start using it.
   */
  rotateMaster(store: KeyStore): Promise<number | null>;
  /** Re-reads master versions (another node may have rotated). */
  reloadMasters(): Promise<void>;
  /** Creates `keyId` version `version` (1 for a new key), wrapped by the newest master version. */
  createDataKey(
    store: KeyStore,
    keyId: string,
    purpose: DataKeyPurpose,
    version?: number,
  ): Promise<DataKeyRef>;
  /** The newest version of `keyId`: new values are always written under it. */
  currentVersion(store: KeyStore, keyId: string): Promise<number>;
  /** The plaintext data key; SUBJECT_ERASED when destroyed. */
  dataKey(store: KeyStore, ref: DataKeyRef): Promise<Buffer>;
  /** The scheme `ref` was made under (see DATA_KEY_SCHEME); DATA_KEY_UNAVAILABLE when it does not exist. */
  scheme(store: KeyStore, ref: DataKeyRef): Promise<number>;
  /** Rewraps one data key version under the newest master version. */
  rewrap(store: KeyStore, ref: DataKeyRef): Promise<void>;
  /** Drops `keyId` (every version) from this node's cache. */
  forget(keyId: string): void;
}

export function createKeyService(deps: {
  store: KeyStore;
  rootKey: Pick<RootKey, 'get'>;
  clock: () => number;
  cacheSize: number;
  /** Told whether each data key lookup was served from the cache (the metrics' hit rate). */
  onCacheLookup?: (hit: boolean) => void;
}): KeyService {
  const masters = createMasterKeys(deps);
  const cache = new Map<string, Buffer>();
  // A version's scheme never changes; few versions exist per key, so this map stays small.
  const schemes = new Map<string, number>();
  const cacheKey = (ref: DataKeyRef) => `${ref.keyId}\u0000${ref.keyVersion}`;

  function remember(ref: DataKeyRef, key: Buffer): void {
    const id = cacheKey(ref);
    cache.delete(id);
    cache.set(id, key);
    if (cache.size > deps.cacheSize) cache.delete(cache.keys().next().value as string);
  }

  return {
    init: () => masters.init(),
    currentMasterVersion: () => {
      if (masters.newest() === 0) throw new AppError('SEALED');
      return masters.newest();
    },
    rotateMaster: (store) => masters.rotate(store),
    reloadMasters: () => masters.reload(),
    async createDataKey(store, keyId, purpose, version = 1) {
      const masterVersion = masters.newest();
      const ref = { keyId, keyVersion: version };
      const dataKey = createDataKey();
      await store.insertDataKey({
        keyId,
        version,
        purpose,
        wrapped: wrapDataKey(await masters.get(masterVersion), dataKey, ref),
        masterVersion,
        createdAt: deps.clock(),
        retiredAt: null,
        destroyedAt: null,
        scheme: DATA_KEY_SCHEME,
      });
      remember(ref, dataKey);
      return ref;
    },
    async currentVersion(store, keyId) {
      const version = await store.newestVersion(keyId);
      if (version === null)
        throw new AppError('DATA_KEY_UNAVAILABLE', { message: 'data key does not exist' });
      return version;
    },
    async dataKey(store, ref) {
      const cached = cache.get(cacheKey(ref));
      deps.onCacheLookup?.(cached !== undefined);
      if (cached !== undefined) return cached;
      const row = await store.findDataKey(ref.keyId, ref.keyVersion);
      if (row === null) throw new AppError('DATA_KEY_UNAVAILABLE', { message: 'data key does not exist' });
      if (row.destroyedAt !== null) throw new AppError('SUBJECT_ERASED');
      if (row.wrapped === '') {
        throw new AppError('DATA_KEY_UNAVAILABLE', {
          message: 'data key version was retired while still in use',
        });
      }
      const key = unwrapDataKey(await masters.get(row.masterVersion), row.wrapped, ref);
      remember(ref, key);
      return key;
    },
    async scheme(store, ref) {
      const id = cacheKey(ref);
      const known = schemes.get(id);
      if (known !== undefined) return known;
      const row = await store.findDataKey(ref.keyId, ref.keyVersion);
      if (row === null) throw new AppError('DATA_KEY_UNAVAILABLE', { message: 'data key does not exist' });
      if (schemes.size >= 10_000) schemes.clear();
      schemes.set(id, row.scheme);
      return row.scheme;
    },
    async rewrap(store, ref) {
      const target = masters.newest();
      const row = await store.findDataKey(ref.keyId, ref.keyVersion);
      if (row === null || row.wrapped === '' || row.masterVersion === target) return;
      const key = unwrapDataKey(await masters.get(row.masterVersion), row.wrapped, ref);
      // Wrapped by, and labelled with, the one version read above, even if a reload meanwhile found a newer one.
      const wrapped = wrapDataKey(await masters.get(target), key, ref);
      await store.rewrapDataKey(ref.keyId, ref.keyVersion, wrapped, target);
    },
    forget(keyId) {
      for (const id of [...cache.keys()]) if (id.startsWith(`${keyId}\u0000`)) cache.delete(id);
    },
  };
}
