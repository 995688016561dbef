export type { Actor } from '../model/index.js';
export { type AccessTokens, createAccessTokens, PASSWORD_CHANGE_CLAIM } from './access-token.js';
export { createSessionCheck, type LiveSession, type SessionCheck } from './active-session.js';
export { throttleAddressKey } from './address-prefix.js';
export {
  type Authenticator,
  createAuthenticator,
  type PresentedCredentials,
  readCredential,
} from './authenticate.js';
export {
  CREDENTIAL_CACHE_MAX_AGE_MS,
  type CredentialCache,
  type CredentialCacheStats,
  createCredentialCache,
} from './credential-cache.js';
export { createExposedCredentialRevoker, type ExposedCredentialRevoker } from './exposed-credentials.js';
export { type LimitedHasher, limitHashing } from './hash-limiter.js';
export { createIntrospection, type Introspection, type TokenIntrospection } from './introspection.js';
export { createLoginFlow, type LoginFlow, type TokenPair } from './login.js';
export { createLoginThrottle, type LoginThrottle, type ThrottleDecision } from './login-throttle.js';
export { throttlePasswordChecks } from './password-check-throttle.js';
export {
  createPasswordHasher,
  DEFAULT_PASSWORD_HASH_PARAMS,
  isImportableHash,
  normalizePassword,
  type PasswordHasher,
} from './password-hash.js';
export { createPasswordPolicy, type PasswordPolicy } from './password-policy.js';
export {
  createSigningKeyring,
  MAX_PUBLISHED_KEYS,
  type SigningKeyring,
  signingKeyAad,
} from './signing-keys.js';
export { createStrengthWorker, type StrengthScore, type StrengthWorker } from './strength-worker.js';
export {
  createVerifiedTokenCache,
  type VerifiedClaims,
  type VerifiedTokenCache,
} from './verified-token-cache.js';
