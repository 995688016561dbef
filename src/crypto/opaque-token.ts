/**
 * Opaque bearer secrets (API keys, refresh tokens).
 *
 * Format: `<prefix>_<43 base62 chars: 256 bits of entropy><6 base62 chars: CRC32 of everything before>`.
 * Invariants:
 * - the secret part comes from `crypto.randomBytes` only (rejection sampling keeps base62 unbiased);
 * - the checksum lets secret scanners and our own redactor recognise a real token without false positives,
 *   and lets the server reject a mistyped token without a database lookup. It is not a MAC: it proves nothing.
 * - only a hash of the token is ever stored (see `hashOpaqueToken`); 256 bits of entropy make a fast hash safe.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { BASE62_ALPHABET, randomBase62 } from './random-base62.js';

const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;

/** Prefixes issued by Strongroom; each names one kind of credential. */
export const TOKEN_PREFIXES = { apiKey: 'srk', refreshToken: 'srr' } as const;
export type TokenPrefix = (typeof TOKEN_PREFIXES)[keyof typeof TOKEN_PREFIXES];

/** A regular expression source matching the shape (not yet the checksum) of any Strongroom opaque token. */
/** Length of every opaque token: prefix, underscore, body and checksum. */
export const OPAQUE_TOKEN_LENGTH = 4 + BODY_LENGTH + CHECKSUM_LENGTH;

export const OPAQUE_TOKEN_PATTERN = `(?:srk|srr)_[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}`;

function encodeChecksum(value: number): string {
  let n = value;
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62_ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

function checksumOf(head: string): string {
  return encodeChecksum(crc32(head));
}

/** Creates a new random token with the given prefix. */
export function generateOpaqueToken(prefix: TokenPrefix): string {
  const head = `${prefix}_${randomBase62(BODY_LENGTH)}`;
  return head + checksumOf(head);
}

/** True when `value` is exactly a well-formed token (any known prefix, or only `prefix` if given) whose checksum matches. */
export function isOpaqueToken(value: string, prefix?: TokenPrefix): boolean {
  const expectedLength = 4 + BODY_LENGTH + CHECKSUM_LENGTH;
  if (value.length !== expectedLength) return false;
  if (!new RegExp(`^${OPAQUE_TOKEN_PATTERN}$`).test(value)) return false;
  if (prefix !== undefined && !value.startsWith(`${prefix}_`)) return false;
  const head = value.slice(0, expectedLength - CHECKSUM_LENGTH);
  return checksumOf(head) === value.slice(expectedLength - CHECKSUM_LENGTH);
}

/** The only form in which an opaque token is stored or compared: SHA-256, hex. */
export function hashOpaqueToken(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
