/**
 * Naming of a data key: an id (`[A-Za-z0-9_-]{1,64}`) and a version (a positive safe integer). Both appear in
 * ciphertext headers and AADs, so their shape is checked in one place; the charset keeps the `:` separator out of ids.
 */
import { fieldCryptoError } from './field-crypto-error.js';

/** Which data key (and which version of it) a ciphertext was made with. */
export interface KeyRef {
  keyId: string;
  keyVersion: number;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `value` is a valid key id. */
export function isKeyId(value: unknown): value is string {
  return typeof value === 'string' && KEY_ID.test(value);
}

/** True when `value` is a valid key version: a positive safe integer. */
export function isKeyVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Throws INVALID_ARGUMENT unless `ref` names a key validly. */
export function assertKeyRef(ref: KeyRef): void {
  if (!isKeyId(ref.keyId)) throw fieldCryptoError('FIELD_CRYPTO_INVALID_ARGUMENT', 'key id is not valid');
  if (!isKeyVersion(ref.keyVersion))
    throw fieldCryptoError('FIELD_CRYPTO_INVALID_ARGUMENT', 'key version is not valid');
}
