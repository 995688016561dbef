export { formatPreservingCardToken, isCardToken } from './card-token.js';
export {
  DETERMINISTIC_TOKEN_PATTERN,
  DETERMINISTIC_TOKEN_PREFIX,
  deterministicToken,
  isDeterministicToken,
} from './deterministic-token.js';
export { isRandomToken, RANDOM_TOKEN_PATTERN, RANDOM_TOKEN_PREFIX, randomToken } from './random-token.js';
export { type TokenErrorCode, tokenError } from './token-error.js';
export { MIN_TOKEN_KEY_BYTES } from './token-key.js';
