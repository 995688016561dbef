export type { StrongroomAuthOptions } from './auth-options.js';
export {
  type AuthResult,
  createStrongroomAuthenticator,
  type StrongroomAuthenticator,
  type StrongroomIdentity,
} from './authenticator.js';
export {
  ERRORS,
  type ErrorBody,
  type ErrorCode,
  errorBody,
  type Refusal,
  refusal,
  StrongroomOptionsError,
} from './errors.js';
export { createLoggerOptions, REDACT_PATHS, type StrongroomLoggerOptions } from './logger-options.js';
export { hasCookieCredential, type RequestLike, readBearerToken } from './request-credentials.js';
export {
  type ConnectionLike,
  carriesCredential,
  createSafety,
  HSTS,
  type Safety,
  type SafetyOptions,
  SECURITY_HEADERS,
} from './safety.js';
export type { TrustProxy } from './trust-proxy.js';
export { checkRequestUrl, checkUrl } from './url-inspection.js';
