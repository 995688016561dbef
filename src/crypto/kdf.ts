/**
 * Key derivation and keyed hashing: HKDF-SHA-256 (RFC 5869) and HMAC-SHA-256 (RFC 2104), both from node:crypto.
 * Invariants: nothing here is hand-rolled; `deriveKey` output is a fresh Buffer of exactly `length` bytes, and a length
 * HKDF cannot produce (0, or above 255 × 32) is refused rather than silently shortened.
 * Threats addressed: reusing one secret for several purposes (each use derives its own key under a distinct `info`).
 * Not addressed: a low-entropy `ikm` — HKDF extracts entropy, it does not add any (passwords need a password hash).
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { AppError } from '../errors.js';

const SHA256_BYTES = 32;
const MAX_OUTPUT_BYTES = 255 * SHA256_BYTES;

/** Derives `length` bytes from `ikm` with HKDF-SHA-256; `info` names the purpose so each purpose gets its own key. */
export function deriveKey(ikm: Buffer, info: string | Buffer, length = 32, salt?: Buffer): Buffer {
  if (!Number.isInteger(length) || length < 1 || length > MAX_OUTPUT_BYTES) {
    throw new AppError('CRYPTO_INVALID_ARGUMENT', {
      message: `HKDF-SHA-256 output length must be an integer from 1 to ${MAX_OUTPUT_BYTES}`,
    });
  }
  const infoBytes = typeof info === 'string' ? Buffer.from(info, 'utf8') : info;
  return Buffer.from(hkdfSync('sha256', ikm, salt ?? Buffer.alloc(0), infoBytes, length));
}

/** HMAC-SHA-256 of `data` (UTF-8 when a string) under `key`: the full 32-byte tag. */
export function hmacSha256(key: Buffer, data: Buffer | string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
