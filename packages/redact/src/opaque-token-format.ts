/**
 * The format of Strongroom's opaque bearer secrets (API keys `srk_`, refresh tokens `srr_`), without generation:
 * what the redactor and URL guard need to recognise a real token. The server's `src/crypto/opaque-token.ts`
 * generates tokens with the checksum defined here, so there is one definition of the format.
 *
 * Format: `<prefix>_<43 base62 chars: 256 bits of entropy><6 base62 chars: CRC32 of everything before>`.
 * Invariants: `isOpaqueToken` accepts only the exact length, alphabet and a matching checksum, so secret scanners
 * and the redactor recognise a real token without false positives. The checksum is not a MAC: it proves nothing
 * about who made the token, only that it was not mistyped.
 */
import { crc32 } from 'node:zlib';

/** The base62 digits, in value order. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 characters after the prefix. */
export const OPAQUE_TOKEN_BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;

/** Prefixes issued by Strongroom; each names one kind of credential. */
export const TOKEN_PREFIXES = { apiKey: 'srk', refreshToken: 'srr' } as const;
export type TokenPrefix = (typeof TOKEN_PREFIXES)[keyof typeof TOKEN_PREFIXES];

/** Length of every opaque token: prefix, underscore, body and checksum. */
export const OPAQUE_TOKEN_LENGTH = 4 + OPAQUE_TOKEN_BODY_LENGTH + CHECKSUM_LENGTH;

/** A regular expression source matching the shape (not yet the checksum) of any Strongroom opaque token. */
export const OPAQUE_TOKEN_PATTERN = `(?:srk|srr)_[0-9A-Za-z]{${OPAQUE_TOKEN_BODY_LENGTH + CHECKSUM_LENGTH}}`;

const EXACT_TOKEN = new RegExp(`^${OPAQUE_TOKEN_PATTERN}$`);

/** The 6-character checksum that ends a token whose other characters are `head`. */
export function opaqueTokenChecksum(head: string): string {
  let n = crc32(head);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62_ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** True when `value` is exactly a well-formed token (any known prefix, or only `prefix` if given) whose checksum matches. */
export function isOpaqueToken(value: string, prefix?: TokenPrefix): boolean {
  if (value.length !== OPAQUE_TOKEN_LENGTH || !EXACT_TOKEN.test(value)) return false;
  if (prefix !== undefined && !value.startsWith(`${prefix}_`)) return false;
  const head = value.slice(0, OPAQUE_TOKEN_LENGTH - CHECKSUM_LENGTH);
  return opaqueTokenChecksum(head) === value.slice(OPAQUE_TOKEN_LENGTH - CHECKSUM_LENGTH);
}
