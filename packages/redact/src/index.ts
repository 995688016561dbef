export { SCAN_WORK_PER_CHAR, scanWorkLimit } from './candidate-scan.js';
export { isPlausibleCardNumber } from './card-number.js';
export {
  DETECTORS,
  type Detector,
  type DetectorName,
  findEachSecret,
  findSecrets,
  type SecretMatch,
  type Span,
} from './detectors.js';
export { redactLogArguments } from './log-arguments.js';
export { passesLuhn } from './luhn.js';
export {
  BASE62_ALPHABET,
  isOpaqueToken,
  OPAQUE_TOKEN_BODY_LENGTH,
  OPAQUE_TOKEN_LENGTH,
  OPAQUE_TOKEN_PATTERN,
  opaqueTokenChecksum,
  TOKEN_PREFIXES,
  type TokenPrefix,
} from './opaque-token-format.js';
export { decodePercent, decodeQueryComponent } from './percent-decode.js';
export { MAX_DEPTH, REDACTED, redactString, redactValue } from './redact-value.js';
export { isSafeName } from './safe-name.js';
export { isSensitiveKeyName, isSensitiveParamName } from './sensitive-names.js';
export { isValidSsn } from './ssn.js';
export { inspectUrl, MAX_URL_LENGTH, sanitizeUrl, type UrlInspection } from './url-guard.js';
