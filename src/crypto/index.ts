export { open, seal } from './aead.js';
export { type BlindIndexScope, blindIndexKey, computeBlindIndex } from './blind-index.js';
export {
  createDataKey,
  decryptField,
  encryptField,
  type FieldContext,
  fieldAad,
  unwrapDataKey,
  wrapDataKey,
} from './envelope.js';
export {
  FIELD_CIPHERTEXT_PREFIX,
  type FieldCiphertext,
  formatFieldCiphertext,
  parseFieldCiphertext,
} from './field-ciphertext.js';
export { type FieldCryptoErrorCode, fieldCryptoError } from './field-crypto-error.js';
export { deriveKey, hmacSha256 } from './kdf.js';
export { isKeyId, isKeyVersion, type KeyRef } from './key-ref.js';
export { loadMasterKey, type MasterKey, type MasterKeySource } from './master-key.js';
export {
  generateOpaqueToken,
  hashOpaqueToken,
  isOpaqueToken,
  OPAQUE_TOKEN_LENGTH,
  OPAQUE_TOKEN_PATTERN,
  TOKEN_PREFIXES,
  type TokenPrefix,
} from './opaque-token.js';
export { BASE62_ALPHABET, randomBase62 } from './random-base62.js';
export {
  createRootKeyHolder,
  deriveFromRoot,
  PERSISTENT_DERIVATIONS,
  ROOT_DERIVATIONS,
  type RootDerivation,
  type RootKey,
  type RootKeyHolder,
  type RootKeySource,
  rootDerivationAad,
} from './root-key.js';
export {
  initSealedKeyring,
  isKeyringRootKey,
  parseSealedKeyring,
  readSealedKeyring,
  type SealedKeyring,
} from './sealed-keyring.js';
export { combineShares, splitSecret } from './shamir.js';
export { type ShamirErrorCode, shamirError } from './shamir-error.js';
export { createUnsealSession, type UnsealSession, type UnsealStatus } from './unseal-session.js';
