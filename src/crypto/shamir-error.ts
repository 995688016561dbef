import { AppError } from '../errors.js';

/**
 * Codes of Shamir splitting, share parsing and combining errors (AppError, internal: a client sees UNSEAL_FAILED or
 * INTERNAL_ERROR). The message is fixed text (at most naming a share's position in the input) and never contains a
 * secret, a share or a key check value.
 */
export type ShamirErrorCode =
  | 'SHAMIR_INVALID_ARGUMENT'
  | 'SHAMIR_SHARE_MALFORMED'
  | 'SHAMIR_SHARE_CHECKSUM'
  | 'SHAMIR_SHARE_DUPLICATE'
  | 'SHAMIR_SHARES_INCONSISTENT'
  | 'SHAMIR_TOO_FEW_SHARES'
  | 'SHAMIR_COMBINE_FAILED';

/** A Shamir failure as an AppError; `message` must say nothing about the secret or the shares. */
export function shamirError(code: ShamirErrorCode, message: string): AppError {
  return new AppError(code, { message });
}
