/**
 * Opaque bearer secrets (API keys, refresh tokens): generation and hashing. The format and its check
 * (`isOpaqueToken`) live in `@strongroom/redact`, shared with the redactor and the application middleware.
 *
 * Format: `<prefix>_<43 base62 chars: 256 bits of entropy><6 base62 chars: CRC32 of everything before>`.
 * Invariants:
 * - the secret part comes from `crypto.randomBytes` only (rejection sampling keeps base62 unbiased);
 * - the checksum lets secret scanners and our own redactor recognise a real token without false positives,
 *   and lets the server reject a mistyped token without a database lookup. It is not a MAC: it proves nothing.
 * - only a hash of the token is ever stored (see `hashOpaqueToken`); 256 bits of entropy make a fast hash safe.
 */
import { createHash } from 'node:crypto';
import { OPAQUE_TOKEN_BODY_LENGTH, opaqueTokenChecksum, type TokenPrefix } from '@strongroom/redact';
import { randomBase62 } from './random-base62.js';

export {
  isOpaqueToken,
  OPAQUE_TOKEN_LENGTH,
  OPAQUE_TOKEN_PATTERN,
  TOKEN_PREFIXES,
  type TokenPrefix,
} from '@strongroom/redact';

/** Creates a new random token with the given prefix. */
export function generateOpaqueToken(prefix: TokenPrefix): string {
  const head = `${prefix}_${randomBase62(OPAQUE_TOKEN_BODY_LENGTH)}`;
  return head + opaqueTokenChecksum(head);
}

/** The only form in which an opaque token is stored or compared: SHA-256, hex. */
export function hashOpaqueToken(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
