import { invalidField } from './field-error.js';

// Generous bound on the written form (digits plus spaces, dashes and parentheses) checked before any regex.
export const MAX_PHONE_WRITTEN_LENGTH = 64;
const WRITTEN_SHAPE = /^\+[0-9 ()-]+$/;
const E164_DIGITS = /^[1-9]\d{7,14}$/;

/**
 * An international (E.164) phone number, normalized to `+` and 8–15 digits. The leading `+` is required: a
 * national number such as `030 1234567` cannot be assigned a country without guessing, so it is refused.
 */
export function normalizePhone(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  const trimmed = value.trim();
  if (trimmed.length > MAX_PHONE_WRITTEN_LENGTH) throw invalidField(field, 'is too long');
  if (!WRITTEN_SHAPE.test(trimmed)) {
    throw invalidField(field, 'must start with a plus sign and a country code');
  }
  const digits = trimmed.replace(/\D/g, '');
  if (!E164_DIGITS.test(digits)) throw invalidField(field, 'is not a valid international phone number');
  return `+${digits}`;
}
