/**
 * Master key versions, sealed with the root key (bound to their number by AAD) in `master_keys`; the plaintext
 * versions live in memory only. See key-service.ts for the hierarchy and its invariants.
 */
import { randomBytes } from 'node:crypto';
import { open, type RootKey, seal } from '../crypto/index.js';
import { AppError } from '../errors.js';
import type { KeyStore } from '../storage/index.js';

const MASTER_KEY_BYTES = 32;
/** The AAD of master key `version` sealed with the root key. */
export const masterKeyAad = (version: number) => `strongroom.master-key.v1:${version}`;

export function createMasterKeys(deps: {
  store: KeyStore;
  rootKey: Pick<RootKey, 'get'>;
  clock: () => number;
}) {
  const masters = new Map<number, Buffer>();
  let newest = 0;

  async function reload(): Promise<void> {
    const rows = await deps.store.listMasterKeys();
    for (const row of rows) {
      if (row.retiredAt !== null) {
        masters.delete(row.version);
        continue;
      }
      if (!masters.has(row.version)) {
        masters.set(row.version, open(deps.rootKey.get(), row.wrapped, masterKeyAad(row.version)));
      }
      newest = Math.max(newest, row.version);
    }
  }

  async function insert(store: KeyStore, version: number): Promise<boolean> {
    const key = randomBytes(MASTER_KEY_BYTES);
    return store.insertMasterKey({
      version,
      wrapped: seal(deps.rootKey.get(), key, masterKeyAad(version)),
      createdAt: deps.clock(),
      retiredAt: null,
    });
  }

  return {
    reload,
    /** The newest loaded version; 0 before the first load. */
    newest: () => newest,
    /** The plaintext master key `version`, re-reading storage once when it is not loaded (another node's). */
    async get(version: number): Promise<Buffer> {
      let key = masters.get(version);
      if (key === undefined) {
        await reload();
        key = masters.get(version);
      }
      if (key === undefined) {
        throw new AppError('MASTER_KEY_UNAVAILABLE', {
          message: `master key version ${version} is not available`,
        });
      }
      return key;
    },
    /** Loads the versions, creating the first one on a new database. */
    async init(): Promise<void> {
      await reload();
      if (newest === 0) {
        await insert(deps.store, 1);
        // Whether this node's insert won or another node's did, the stored row is the truth.
        await reload();
      }
    },
    /** Inserts the next version through `store`; null when another node inserted that version first. */
    async rotate(store: KeyStore): Promise<number | null> {
      const rows = await store.listMasterKeys();
      const version = rows.reduce((max, row) => Math.max(max, row.version), 0) + 1;
      return (await insert(store, version)) ? version : null;
    },
  };
}
