import { randomBytes } from 'node:crypto';
import { BASE62_ALPHABET } from '@strongroom/redact';

export { BASE62_ALPHABET } from '@strongroom/redact';

/** `length` base62 characters from `crypto.randomBytes`, by rejection sampling so every character is uniform. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: bytes at or above it would bias the distribution.
      if (byte < 248 && out.length < length) out += BASE62_ALPHABET[byte % 62];
    }
  }
  return out;
}
