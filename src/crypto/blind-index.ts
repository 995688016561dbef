/**
 * Blind indexes: exact-match search over encrypted fields. An index value is base64url of the first `bytes` bytes of
 * HMAC-SHA-256(indexKey, normalizedValue); one index key per collection, field and key version, derived by HKDF from
 * a root key with an injective (JSON array) info.
 * What a blind index leaks, to anyone who can read the stored indexes but not the keys:
 * - Equality: two records with the same normalized value in the same collection, field and key version have the same
 *   index, so who-shares-a-value is visible, and so is a value changing back to an earlier one.
 * - Frequency: counting equal indexes gives the value histogram; with outside knowledge of the distribution (common
 *   surnames, popular cities) the most frequent indexes can be matched to values without any key.
 * - Nothing across fields, collections or key versions: each has its own key, so the same value gives unrelated
 *   indexes there and records cannot be linked through them.
 * - Brute force if the index key leaks: a low-entropy field (booleans, enums, birth years, ZIP codes, short numbers)
 *   is recovered by hashing every candidate. Truncation makes distinct values collide (searches must filter false
 *   positives after decryption) but adds no secrecy: 16 bytes of HMAC are as guessable as 32 when the space is small.
 *   Do not index fields whose every value is guessable unless equality leakage is acceptable.
 * Invariants: the caller normalizes (case, whitespace, Unicode form) before indexing, identically on write and search;
 * strings with lone surrogates are refused (UTF-8 would merge them into U+FFFD and make false matches).
 * Threats addressed: reading searchable values from a database dump without the root key. Not addressed: the leaks
 * above, and range or prefix queries (use none with this scheme).
 */
import { fieldCryptoError } from './field-crypto-error.js';
import { deriveKey, hmacSha256 } from './kdf.js';

const INDEX_KEY_BYTES = 32;
const MIN_ROOT_KEY_BYTES = 32;
const INFO_DOMAIN = 'strongroom.blind-index.v1';
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Which blind index a key belongs to: one per collection, field and key version. */
export interface BlindIndexScope {
  collection: string;
  field: string;
  version: number;
}

/** Derives the 32-byte index key for one collection, field and version from `rootKey` (HKDF-SHA-256). */
export function blindIndexKey(rootKey: Buffer, scope: BlindIndexScope): Buffer {
  if (!Buffer.isBuffer(rootKey) || rootKey.length < MIN_ROOT_KEY_BYTES) {
    throw fieldCryptoError('FIELD_CRYPTO_INVALID_ARGUMENT', 'blind index root key must be at least 32 bytes');
  }
  for (const name of [scope.collection, scope.field]) {
    if (typeof name !== 'string' || name.length === 0) {
      throw fieldCryptoError(
        'FIELD_CRYPTO_INVALID_ARGUMENT',
        'blind index collection and field must be non-empty strings',
      );
    }
  }
  if (!Number.isSafeInteger(scope.version) || scope.version < 1) {
    throw fieldCryptoError('FIELD_CRYPTO_INVALID_ARGUMENT', 'blind index version must be a positive integer');
  }
  const info = JSON.stringify([INFO_DOMAIN, scope.collection, scope.field, scope.version]);
  return deriveKey(rootKey, info, INDEX_KEY_BYTES);
}

/** The blind index of an already-normalized value: base64url of the first `bytes` (1–32) bytes of its HMAC. */
export function computeBlindIndex(indexKey: Buffer, normalizedValue: string, bytes = 16): string {
  if (!Buffer.isBuffer(indexKey) || indexKey.length !== INDEX_KEY_BYTES) {
    throw fieldCryptoError('FIELD_CRYPTO_INVALID_ARGUMENT', 'blind index key must be 32 bytes');
  }
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 32) {
    throw fieldCryptoError('FIELD_CRYPTO_INVALID_ARGUMENT', 'blind index length must be from 1 to 32 bytes');
  }
  if (typeof normalizedValue !== 'string' || LONE_SURROGATE.test(normalizedValue)) {
    throw fieldCryptoError(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
      'blind index value must be well-formed Unicode text',
    );
  }
  return hmacSha256(indexKey, Buffer.from(normalizedValue, 'utf8')).subarray(0, bytes).toString('base64url');
}
