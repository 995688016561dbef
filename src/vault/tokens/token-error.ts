import { AppError } from '../../errors.js';

/**
 * Codes of the token formats' errors (AppError, internal: never sent to a client). The message is fixed text and
 * never contains a key, a value being tokenized or a token.
 */
export type TokenErrorCode = 'TOKEN_KEY_INVALID' | 'TOKEN_INPUT_INVALID';

/** A tokenization failure as an AppError; `message` must say nothing about the data involved. */
export function tokenError(code: TokenErrorCode, message: string): AppError {
  return new AppError(code, { message });
}
