/**
 * Format-preserving card tokens: a digit string of the card's length that keeps its last four digits, so it fits
 * card-shaped columns and receipts ("•••• 4242") without being a card number.
 *
 * Layout, for a card of n digits (12–19, valid Luhn):
 *   '9' · (n − 5) digits derived from HMAC-SHA-256(key, encode("strongroom-card-token-v1", [card, block])) · last 4
 * Choices:
 * - Deterministic (HMAC), not random: the same card under the same key always gets the same token, so it can be
 *   joined and deduplicated. A random variant is deliberately not offered; use `randomToken` when unlinkability
 *   matters more than format.
 * - One-way, not format-preserving encryption (FF1/FF3-1): detokenization goes through the vault's stored
 *   ciphertext, never through this function, so there is no decryption path to protect here.
 * - First digit forced to '9' (ISO/IEC 7812 MII 9: national assignment, used by no major network): tokens are
 *   visually distinct from cards and the real brand (IIN) is not leaked. '9' is a hint, not the guarantee — a few
 *   national schemes do issue 9-prefixed cards.
 * - The guarantee: every token FAILS the Luhn check. If the derived digits happen to pass, the last derived digit
 *   is bumped by one; every Luhn position maps digits to distinct residues, so one bump always breaks the check.
 *   A token can therefore never be mistaken for, charged as, or re-tokenized as a real card (input must pass Luhn).
 * Invariants: length and last four preserved; derived digits come from rejection-sampled HMAC bytes (no bias);
 * the HMAC input is domain-tagged, so these MACs never equal a `deterministicToken` MAC under the same key.
 * What it leaks: last four and length (by design), equality of cards under one key. Not addressed: uniqueness —
 * there are only 10^(n−5) tokens per last-four, so two cards may share a token (≈50% once ~3·10^5 sixteen-digit
 * cards share one last-four); never resolve a card by this token alone. Anyone with the key can brute-force the
 * card space offline, so the key must be guarded like a data key and dedicated to this purpose.
 */

import { passesLuhn } from '@strongroom/redact';
import { hmacSha256 } from '../../crypto/index.js';
import { encodeHmacInput } from './hmac-input.js';
import { tokenError } from './token-error.js';
import { assertTokenKey } from './token-key.js';

const DOMAIN = 'strongroom-card-token-v1';
const CARD_DIGITS = /^\d{12,19}$/;
const KEPT_DIGITS = 4;
const TOKEN_FIRST_DIGIT = '9';

function derivedDigits(key: Buffer, cardDigits: string, count: number): string {
  let out = '';
  for (let block = 0; out.length < count; block++) {
    for (const byte of hmacSha256(key, encodeHmacInput(DOMAIN, [cardDigits, String(block)]))) {
      // 250 = 25 × 10: bytes at or above it would bias the digits.
      if (byte < 250 && out.length < count) out += String(byte % 10);
    }
  }
  return out;
}

function bumpDigit(digits: string, index: number): string {
  const bumped = (Number(digits[index]) + 1) % 10;
  return digits.slice(0, index) + String(bumped) + digits.slice(index + 1);
}

/** Card-shaped token for `cardDigits` (12–19 digits, valid Luhn): same length, same last four, always fails Luhn. */
export function formatPreservingCardToken(key: Buffer, cardDigits: string): string {
  assertTokenKey(key);
  if (typeof cardDigits !== 'string' || !CARD_DIGITS.test(cardDigits) || !passesLuhn(cardDigits)) {
    throw tokenError('TOKEN_INPUT_INVALID', 'card number must be 12-19 digits with a valid check digit');
  }
  const middleLength = cardDigits.length - 1 - KEPT_DIGITS;
  const candidate =
    TOKEN_FIRST_DIGIT + derivedDigits(key, cardDigits, middleLength) + cardDigits.slice(-KEPT_DIGITS);
  return passesLuhn(candidate) ? bumpDigit(candidate, middleLength) : candidate;
}

/** True when `value` is shaped like a card token: 12–19 digits starting with '9' and failing Luhn. */
export function isCardToken(value: string): boolean {
  return CARD_DIGITS.test(value) && value.startsWith(TOKEN_FIRST_DIGIT) && !passesLuhn(value);
}
