import { AppError } from '../errors.js';

/**
 * Codes of field encryption, data-key wrapping and blind indexing errors (AppError, internal: a client sees
 * INTERNAL_ERROR). The message is fixed text and never contains a key, a plaintext or the ciphertext.
 */
export type FieldCryptoErrorCode =
  | 'FIELD_CIPHERTEXT_MALFORMED'
  | 'FIELD_KEY_MISMATCH'
  | 'FIELD_DECRYPT_FAILED'
  | 'DATA_KEY_UNWRAP_FAILED'
  | 'FIELD_CRYPTO_INVALID_ARGUMENT';

/** A field-crypto failure as an AppError; `message` must say nothing about the data involved. */
export function fieldCryptoError(code: FieldCryptoErrorCode, message: string): AppError {
  return new AppError(code, { message });
}
