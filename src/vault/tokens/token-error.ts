/**
 * The error thrown by the token formats. It carries a stable code; its message is fixed text and never contains a
 * key, a value being tokenized or a token.
 */
export type TokenErrorCode = 'TOKEN_KEY_INVALID' | 'TOKEN_INPUT_INVALID';

/** A tokenization failure; `code` says which kind, the message says nothing about the data involved. */
export class TokenError extends Error {
  readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, message: string) {
    super(message);
    this.name = 'TokenError';
    this.code = code;
  }
}
