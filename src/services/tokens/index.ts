/** Tokens: tokenization of stored fields and free values, detokenization, deletion, and the token keys. */
export { createTokenKeys, TOKEN_KEY_ID, type TokenHmacKeys, type TokenKeys } from './token-keys.js';
export {
  type DetokenizedValue,
  hashToken,
  TOKEN_AAD_COLLECTION,
  type TokenizeInput,
  type TokenSource,
} from './token-model.js';
export { createTokenService, type TokenService } from './token-service.js';
