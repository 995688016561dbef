/**
 * The error thrown by Shamir splitting, share parsing and combining. It carries a stable code; its message is fixed
 * text (at most naming a share's position in the input) and never contains a secret, a share or a key check value.
 */
export type ShamirErrorCode =
  | 'SHAMIR_INVALID_ARGUMENT'
  | 'SHAMIR_SHARE_MALFORMED'
  | 'SHAMIR_SHARE_CHECKSUM'
  | 'SHAMIR_SHARE_DUPLICATE'
  | 'SHAMIR_SHARES_INCONSISTENT'
  | 'SHAMIR_TOO_FEW_SHARES'
  | 'SHAMIR_COMBINE_FAILED';

/** A Shamir failure; `code` says which kind, the message says nothing about the secret or the shares. */
export class ShamirError extends Error {
  readonly code: ShamirErrorCode;

  constructor(code: ShamirErrorCode, message: string) {
    super(message);
    this.name = 'ShamirError';
    this.code = code;
  }
}
