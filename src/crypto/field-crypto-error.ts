/**
 * The error thrown by field encryption, data-key wrapping and blind indexing. It carries a stable code so callers and
 * tests can branch on it; its message is fixed text and never contains a key, a plaintext or the ciphertext.
 */
export type FieldCryptoErrorCode =
  | 'FIELD_CIPHERTEXT_MALFORMED'
  | 'FIELD_KEY_MISMATCH'
  | 'FIELD_DECRYPT_FAILED'
  | 'DATA_KEY_UNWRAP_FAILED'
  | 'INVALID_ARGUMENT';

/** A field-crypto failure; `code` says which kind, the message says nothing about the data involved. */
export class FieldCryptoError extends Error {
  readonly code: FieldCryptoErrorCode;

  constructor(code: FieldCryptoErrorCode, message: string) {
    super(message);
    this.name = 'FieldCryptoError';
    this.code = code;
  }
}
