/**
 * International Bank Account Numbers (ISO 13616).
 *
 * Accepted: two letters (country), two check digits, then 1–30 letters or digits, with the ISO 7064 mod-97
 * check equal to 1 and check digits in 02–98 (00, 01 and 99 are never issued, though 00/01 would pass mod-97).
 * The length is enforced for the countries in `IBAN_LENGTHS`; other countries must be 15–34 characters.
 * Not addressed: the per-country BBAN layout (which positions are letters), or whether the account exists.
 */
import { invalidField } from './field-error.js';

/** Registered IBAN lengths for common SEPA countries (SWIFT IBAN Registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  AT: 20,
  BE: 16,
  CH: 21,
  DE: 22,
  DK: 18,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  IE: 22,
  IT: 27,
  LU: 20,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  SE: 24,
});

export const MAX_IBAN_WRITTEN_LENGTH = 64;
const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/;
const MIN_UNKNOWN_LENGTH = 15;
const MAX_UNKNOWN_LENGTH = 34;

/** An IBAN with spaces removed and letters upper-cased. */
export function normalizeIban(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  if (value.length > MAX_IBAN_WRITTEN_LENGTH) throw invalidField(field, 'is too long');
  const iban = value.replace(/ /g, '').toUpperCase();
  if (!IBAN_SHAPE.test(iban) || !hasValidLength(iban)) throw invalidField(field, 'is not a valid IBAN');
  const checkDigits = Number(iban.slice(2, 4));
  if (checkDigits < 2 || checkDigits > 98 || ibanRemainder(iban) !== 1) {
    throw invalidField(field, 'is not a valid IBAN');
  }
  return iban;
}

/** The two check digits for `country` and `bban` (ISO 7064 MOD 97-10), e.g. for building test IBANs. */
export function computeIbanCheckDigits(country: string, bban: string): string {
  return String(98 - ibanRemainder(`${country}00${bban}`)).padStart(2, '0');
}

function hasValidLength(iban: string): boolean {
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected !== undefined) return iban.length === expected;
  return iban.length >= MIN_UNKNOWN_LENGTH && iban.length <= MAX_UNKNOWN_LENGTH;
}

/** Remainder mod 97 of the IBAN moved 4 characters left with letters as 10–35, computed digit by digit. */
function ibanRemainder(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return remainder;
}
