/**
 * The root key: the one secret that comes from outside the database (development key file, configured key, or a
 * sealed keyring unsealed with Shamir shares). It seals the signing keys and the master key versions, and keys
 * derived from it (HKDF, one label per use) key the login throttle and the subject-id HMAC.
 * Invariants: the key never leaves this holder except to the crypto that uses it; while sealed, `get()` throws
 * SEALED, so no code path can fall back to a weaker key; unseal listeners run once, in order, before the holder
 * reports itself unsealed (so nothing serves data before the keyrings that depend on the key are loaded).
 * Threats addressed: data endpoints serving before the keys exist. Not addressed: a root key read from memory.
 */
import { AppError } from '../errors.js';
import { deriveKey } from './kdf.js';
import type { RootKeySource } from './root-key-source.js';

export type { RootKeySource } from './root-key-source.js';

/**
 * Every label `derive` takes, and whether what its key makes outlives the process: `persistent` keys HMAC values
 * kept in the database or the audit trail, so a change of root key (`operator migrate`) must keep them (it stores
 * them sealed under the new root key, see `pin`); `ephemeral` keys only protect state that expires by itself.
 */
export const ROOT_DERIVATIONS = Object.freeze({
  'subject-id/v1': 'persistent',
  'audit-identifiers/v1': 'persistent',
  'login-throttle/v1': 'ephemeral',
  'password-check-throttle/v1': 'ephemeral',
  'page-cursor/v1': 'ephemeral',
} as const);

export type RootDerivation = keyof typeof ROOT_DERIVATIONS;

/** The labels whose keys a root key change must carry over. */
export const PERSISTENT_DERIVATIONS = Object.freeze(
  (Object.keys(ROOT_DERIVATIONS) as RootDerivation[]).filter((l) => ROOT_DERIVATIONS[l] === 'persistent'),
);

/** The AAD of a persistent label's key pinned from an earlier root key, sealed with the current one. */
export const rootDerivationAad = (label: string) => `strongroom.root-derivation.v1:${label}`;

/** The key `derive(label)` gives under `root` when no earlier root's key is pinned for it. */
export function deriveFromRoot(root: Buffer, label: RootDerivation): Buffer {
  return deriveKey(root, `strongroom/${label}`, 32);
}

export interface RootKey {
  readonly source: RootKeySource;
  isSealed(): boolean;
  /** The 32-byte root key; throws AppError SEALED while sealed. */
  get(): Buffer;
  /**
   * A 32-byte key for one purpose, derived from the root key (HKDF-SHA-256, `label` as info), or the key pinned
   * for a persistent label by an earlier root key; throws SEALED.
   */
  derive(label: RootDerivation): Buffer;
  /** Registers work to run once the key is available (at once, awaited by `ready()`, when it already is). */
  onUnseal(listener: () => Promise<void>): void;
  /** Resolves when every unseal listener registered so far has finished (immediately while sealed). */
  ready(): Promise<void>;
}

/** Mutable holder behind `RootKey`; `unseal` is called by the source (at once, or after enough shares). */
export interface RootKeyHolder extends RootKey {
  unseal(key: Buffer): Promise<void>;
  /**
   * Makes `derive(label)` answer `key` (a persistent label's key from an earlier root key, stored sealed under
   * this one). Only while unsealing, from the first unseal listener, before anything derives.
   */
  pin(label: RootDerivation, key: Buffer): void;
}

export function createRootKeyHolder(source: RootKeySource): RootKeyHolder {
  let key: Buffer | null = null;
  let unsealing = false;
  const listeners: Array<() => Promise<void>> = [];
  const derived = new Map<string, Buffer>();
  let pending: Promise<void> = Promise.resolve();

  const current = (): Buffer => {
    if (key === null || unsealing) throw new AppError('SEALED');
    return key;
  };
  const internal = (): Buffer => {
    if (key === null) throw new AppError('SEALED');
    return key;
  };

  return {
    source,
    isSealed: () => key === null || unsealing,
    // Listeners run while `unsealing`: they may use the key (through `get` on this holder's internal path).
    get: () => (unsealing ? internal() : current()),
    derive(label) {
      const root = unsealing ? internal() : current();
      let value = derived.get(label);
      if (value === undefined) {
        value = deriveFromRoot(root, label);
        derived.set(label, value);
      }
      return value;
    },
    pin(label, pinned) {
      if (!unsealing || ROOT_DERIVATIONS[label] !== 'persistent' || pinned.length !== 32) {
        throw new AppError('CRYPTO_INVALID_ARGUMENT', {
          message: 'a derived key can be pinned only while unsealing',
        });
      }
      derived.set(label, Buffer.from(pinned));
    },
    onUnseal(listener) {
      listeners.push(listener);
      if (key !== null && !unsealing) pending = pending.then(listener);
    },
    ready: () => pending,
    async unseal(newKey) {
      if (newKey.length !== 32)
        throw new AppError('CRYPTO_INVALID_ARGUMENT', { message: 'root key must be 32 bytes' });
      if (key !== null) throw new AppError('ALREADY_UNSEALED');
      key = newKey;
      unsealing = true;
      try {
        for (const listener of listeners) await listener();
      } catch (err) {
        key = null;
        derived.clear();
        throw err;
      } finally {
        unsealing = false;
      }
    },
  };
}
