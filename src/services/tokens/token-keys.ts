/**
 * The vault-wide token data key (`t_vault`, purpose `token`) and the HMAC keys derived from it.
 * What it protects: values behind tokens whose source has no subject (they are sealed under `t_vault`), and the
 * secrecy of the deterministic and format-preserving token functions (whoever holds their keys can test guesses
 * offline, fast for small value spaces such as SSNs or cards).
 * Invariants:
 * - `t_vault` is created on first use, race-safely: the (key id, version) primary key lets one node's insert win;
 *   a node that loses re-reads the stored row, so every node uses the same key.
 * - The HMAC keys come from version 1 of `t_vault` through HKDF with distinct labels (one per token format), so
 *   they are never used for anything else and never equal each other or the sealing key.
 * - These HMAC keys MUST NOT rotate: a new key would give every value a new deterministic or card token, breaking
 *   every join made with the old ones and every row stored under them. Version 1 of `t_vault` must therefore never
 *   be retired or destroyed (a rotation job may move sealed values to newer versions, but must keep version 1).
 * - By design, equal values of one type get equal tokens (deterministic, card): that is what joins need, and what
 *   they leak. Tokens from different types never match (the type is bound into the HMAC input).
 * Not addressed: a compromised process (the derived keys live in memory like any cached data key).
 */
import { deriveKey } from '../../crypto/index.js';
import type { KeyStore } from '../../storage/index.js';
import type { KeyService } from '../key-service.js';

/** Data key id of the vault-wide token key. */
export const TOKEN_KEY_ID = 't_vault';

/** The version of `t_vault` the HMAC keys come from: pinned, see the header. */
const HMAC_ROOT_VERSION = 1;

export interface TokenHmacKeys {
  deterministic: Buffer;
  card: Buffer;
}

export function createTokenKeys(deps: { keys: KeyService; store: KeyStore }) {
  let isReady = false;
  let hmacKeys: TokenHmacKeys | null = null;

  /** Makes sure `t_vault` exists; creates it at most once across every node. Call outside any transaction. */
  async function ensure(): Promise<void> {
    if (isReady) return;
    if ((await deps.store.newestVersion(TOKEN_KEY_ID)) === null) {
      try {
        await deps.keys.createDataKey(deps.store, TOKEN_KEY_ID, 'token');
      } catch (error) {
        // Another node (or request) created it first: its row is the key.
        if ((await deps.store.newestVersion(TOKEN_KEY_ID)) === null) throw error;
      }
    }
    isReady = true;
  }

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
      hmacKeys = {
        deterministic: deriveKey(root, 'strongroom/token-hmac/deterministic/v1'),
        card: deriveKey(root, 'strongroom/token-hmac/card/v1'),
      };
      return hmacKeys;
    },
    /** The version of `t_vault` new values are sealed under (after `ensure`; `store` may be a transaction's). */
    sealingVersion: (store: KeyStore): Promise<number> => deps.keys.currentVersion(store, TOKEN_KEY_ID),
  };
}

export type TokenKeys = ReturnType<typeof createTokenKeys>;
