/**
 * Deterministic tokens: `tkd_` + base64url(HMAC-SHA-256(key, encode("strongroom-tkd-v1", [type, value])))[0..24).
 * The same (key, type, normalized value) always yields the same token, so tokens can be joined and deduplicated
 * without decrypting anything.
 * Invariants: the HMAC input is length-prefixed and domain-tagged (see `hmac-input.ts`), so different (type, value)
 * pairs never share an input; `type` is bound in, so equal strings of different types (an email and a username)
 * get unrelated tokens; 24 bytes (192 bits) keep accidental collisions negligible. The caller normalizes the value
 * first (e.g. `normalizeFieldValue`) — "A@x.com" and "a@x.com" are different inputs here.
 * Threats addressed: recovering the value from the token without the key (HMAC is a PRF; no dictionary attack is
 * possible without the key).
 * What it leaks, by design: equality — anyone who sees two tokens learns whether the values are equal, and so value
 * frequencies (the most common token is probably the most common value). Not addressed: anyone holding the key can
 * test guesses offline, which is fast for small value spaces (SSNs, phone numbers, card numbers); the key must be
 * guarded like a data key, be dedicated to tokenization (derive it with `deriveKey(master, "…tokenization…")`) and
 * be scoped per tenant if tenants must not be linkable. Rotating the key changes every token.
 */
import { hmacSha256 } from '../../crypto/index.js';
import { encodeHmacInput } from './hmac-input.js';
import { tokenError } from './token-error.js';
import { assertTokenKey } from './token-key.js';

const DOMAIN = 'strongroom-tkd-v1';
const TAG_BYTES = 24;

/** Prefix of every deterministic token. */
export const DETERMINISTIC_TOKEN_PREFIX = 'tkd_';

/** Shape of a deterministic token: 24 bytes are exactly 32 base64url characters, without padding. */
export const DETERMINISTIC_TOKEN_PATTERN = /^tkd_[A-Za-z0-9_-]{32}$/;

/** Token for `normalizedValue` of field type `type` under `key`: equal inputs give equal tokens (leaks equality). */
export function deterministicToken(key: Buffer, type: string, normalizedValue: string): string {
  assertTokenKey(key);
  if (typeof type !== 'string' || type.length === 0 || typeof normalizedValue !== 'string') {
    throw tokenError('TOKEN_INPUT_INVALID', 'token type must be a non-empty string and value a string');
  }
  const tag = hmacSha256(key, encodeHmacInput(DOMAIN, [type, normalizedValue])).subarray(0, TAG_BYTES);
  return DETERMINISTIC_TOKEN_PREFIX + tag.toString('base64url');
}

/** True when `value` has the shape of a deterministic token. */
export function isDeterministicToken(value: string): boolean {
  return DETERMINISTIC_TOKEN_PATTERN.test(value);
}
