import { tokenError } from './token-error.js';

/** Shortest tokenization key accepted: a full HMAC-SHA-256 key, so the key is never the weak point. */
export const MIN_TOKEN_KEY_BYTES = 32;

/** Throws TOKEN_KEY_INVALID unless `key` is a Buffer of at least 32 bytes. */
export function assertTokenKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length < MIN_TOKEN_KEY_BYTES) {
    throw tokenError('TOKEN_KEY_INVALID', `tokenization key must be at least ${MIN_TOKEN_KEY_BYTES} bytes`);
  }
}
