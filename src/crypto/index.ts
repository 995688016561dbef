export { open, seal } from './aead.js';
export { loadMasterKey, type MasterKey, type MasterKeySource } from './master-key.js';
export {
  generateOpaqueToken,
  hashOpaqueToken,
  isOpaqueToken,
  OPAQUE_TOKEN_PATTERN,
  TOKEN_PREFIXES,
  type TokenPrefix,
} from './opaque-token.js';
