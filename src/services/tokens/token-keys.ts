/**
 * The vault-wide token data key (`t_vault`, purpose `token`) and the HMAC keys derived from it.
 * What it protects: values behind tokens whose source has no subject (they are sealed under `t_vault`), and the
 * secrecy of the deterministic and format-preserving token functions (whoever holds their keys can test guesses
 * offline, fast for small value spaces such as SSNs or cards).
 * Invariants:
 * - `t_vault` is created on first use, race-safely: the (key id, version) primary key lets one node's insert win;
 *   a node that loses re-reads the stored row, so every node uses the same key.
 * - The HMAC keys come from version 1 of `t_vault` through HKDF with distinct labels (one per token format), and
 *   the sealing key of each version through HKDF with a label of its own (token-key-derivation.ts), so no two uses
 *   share a key. A version 1 made before that (scheme 1) is still the AES key of the values sealed under it; as soon
 *   as `ensure` sees the newest version is such a one, it adds a scheme-2 version, so nothing new is sealed under it.
 * - These HMAC keys MUST NOT rotate: a new key would give every value a new deterministic or card token, breaking
 *   every join made with the old ones and every row stored under them. Version 1 of `t_vault` must therefore never
 *   be retired or destroyed (a rotation job may move sealed values to newer versions, but must keep version 1).
 * - By design, equal values of one type get equal tokens (deterministic, card): that is what joins need, and what
 *   they leak. Tokens from different types never match (the type is bound into the HMAC input).
 * Not addressed: a compromised process (the derived keys live in memory like any cached data key).
 */
import type { KeyStore } from '../../storage/index.js';
import type { KeyService } from '../key-service.js';
import { type TokenHmacKeys, tokenHmacKeys, tokenSealingKey } from './token-key-derivation.js';

export type { TokenHmacKeys } from './token-key-derivation.js';

/** Data key id of the vault-wide token key. */
export const TOKEN_KEY_ID = 't_vault';

/** The version of `t_vault` the HMAC keys come from: pinned, see the header. */
const HMAC_ROOT_VERSION = 1;

export function createTokenKeys(deps: { keys: KeyService; store: KeyStore }) {
  let isReady = false;
  let hmacKeys: TokenHmacKeys | null = null;

  /** Inserts `version` of `t_vault` unless another node (or request) did first: its row is then the key. */
  async function create(version: number): Promise<void> {
    try {
      await deps.keys.createDataKey(deps.store, TOKEN_KEY_ID, 'token', version);
    } catch (error) {
      if (((await deps.store.newestVersion(TOKEN_KEY_ID)) ?? 0) < version) throw error;
    }
  }

  /**
   * Makes sure `t_vault` exists and that its newest version is a scheme-2 one (a labelled sealing key); creates
   * what is missing at most once across every node. Call outside any transaction.
   */
  async function ensure(): Promise<void> {
    if (isReady) return;
    const newest = await deps.store.newestVersion(TOKEN_KEY_ID);
    if (newest === null) await create(1);
    else if ((await deps.keys.scheme(deps.store, { keyId: TOKEN_KEY_ID, keyVersion: newest })) < 2) {
      await create(newest + 1);
    }
    isReady = true;
  }

  const sealingKeys = new Map<number, Buffer>();

  return {
    ensure,
    /** The HMAC keys of the deterministic and format-preserving token formats. Call outside any transaction. */
    async hmac(): Promise<TokenHmacKeys> {
      if (hmacKeys !== null) return hmacKeys;
      await ensure();
      const root = await deps.keys.dataKey(deps.store, {
        keyId: TOKEN_KEY_ID,
        keyVersion: HMAC_ROOT_VERSION,
      });
      hmacKeys = tokenHmacKeys(root);
      return hmacKeys;
    },
    /** The AES key of values sealed under `version` of `t_vault` (`store` may be a transaction's). */
    async sealingKey(store: KeyStore, version: number): Promise<Buffer> {
      const cached = sealingKeys.get(version);
      if (cached !== undefined) return cached;
      const ref = { keyId: TOKEN_KEY_ID, keyVersion: version };
      const key = tokenSealingKey(await deps.keys.dataKey(store, ref), await deps.keys.scheme(store, ref));
      sealingKeys.set(version, key);
      return key;
    },
    /** The version of `t_vault` new values are sealed under (after `ensure`; `store` may be a transaction's). */
    sealingVersion: (store: KeyStore): Promise<number> => deps.keys.currentVersion(store, TOKEN_KEY_ID),
  };
}

export type TokenKeys = ReturnType<typeof createTokenKeys>;
