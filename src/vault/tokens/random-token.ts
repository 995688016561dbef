/**
 * Random (vaulted) tokens: `tok_` + 22 base62 characters, about 131 bits from `crypto.randomBytes`.
 * Invariants: the token carries no information about the value it stands for — it can only be resolved through a
 * stored mapping; base62 digits are drawn by rejection sampling, so every character is uniform (no modulo bias).
 * Threats addressed: guessing or enumerating tokens (2^131 space); linking two records through equal tokens (each
 * call is fresh, so equal values get different tokens). Not addressed: a token is a reference, not a secret — who
 * may resolve it is the vault's access control, not this format.
 */
import { randomBase62 } from '../../crypto/index.js';

// 22 × log2(62) ≈ 131 bits ≥ 128.
const BODY_LENGTH = 22;

/** Prefix of every random token. */
export const RANDOM_TOKEN_PREFIX = 'tok_';

/** Shape of a random token. */
export const RANDOM_TOKEN_PATTERN = /^tok_[0-9A-Za-z]{22}$/;

/** Creates a fresh opaque token; equal values tokenized twice get unrelated tokens. */
export function randomToken(): string {
  return RANDOM_TOKEN_PREFIX + randomBase62(BODY_LENGTH);
}

/** True when `value` has the shape of a random token. */
export function isRandomToken(value: string): boolean {
  return RANDOM_TOKEN_PATTERN.test(value);
}
