/**
 * The keys taken from versions of the vault-wide token key `t_vault`, by HKDF-SHA-256 with one label per use.
 * Invariants: under scheme 2 (every version made since data_keys.scheme exists) a version's key material is never
 * used as a key itself: the sealing key of that version and, from version 1, the HMAC keys of the deterministic and
 * card formats each have their own label, so no two uses share a key. Version 1 of scheme 1 (made before) keeps
 * its legacy use as the AES key of the values sealed under it, so they stay readable; its HMAC keys were always
 * derived with these labels, so deterministic and card tokens are the same under both schemes.
 * These labels MUST NOT change: stored values and issued tokens depend on them (token-key-derivation.test.ts pins
 * them with known answers).
 */
import { deriveKey } from '../../crypto/index.js';

const SEALING_LABEL = 'strongroom/token-seal/v1';
const DETERMINISTIC_LABEL = 'strongroom/token-hmac/deterministic/v1';
const CARD_LABEL = 'strongroom/token-hmac/card/v1';

export interface TokenHmacKeys {
  deterministic: Buffer;
  card: Buffer;
}

/** The AES key of the values sealed under one `t_vault` version: derived (scheme ≥ 2), or the version itself (1). */
export function tokenSealingKey(versionKey: Buffer, scheme: number): Buffer {
  return scheme >= 2 ? deriveKey(versionKey, SEALING_LABEL) : versionKey;
}

/** The HMAC keys of the deterministic and card formats, from version 1 of `t_vault` (whatever its scheme). */
export function tokenHmacKeys(firstVersionKey: Buffer): TokenHmacKeys {
  return {
    deterministic: deriveKey(firstVersionKey, DETERMINISTIC_LABEL),
    card: deriveKey(firstVersionKey, CARD_LABEL),
  };
}
