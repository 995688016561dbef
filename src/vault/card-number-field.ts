import { passesLuhn } from '@strongroom/redact';
import { invalidField } from './field-error.js';

// Bounds the written form (19 digits plus separators) before stripping it.
export const MAX_CARD_WRITTEN_LENGTH = 40;
const WRITTEN_SHAPE = /^[0-9 -]+$/;
const CARD_DIGITS = /^\d{12,19}$/;

/**
 * A payment card number (PAN): spaces and dashes removed, 12–19 digits, valid Luhn check digit; normalized to
 * digits only. Numbers are refused as JSON numbers, which cannot hold 16+ digits exactly.
 */
export function normalizeCardNumber(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  const trimmed = value.trim();
  if (trimmed.length > MAX_CARD_WRITTEN_LENGTH) throw invalidField(field, 'is too long');
  const digits = trimmed.replace(/[ -]/g, '');
  if (!WRITTEN_SHAPE.test(trimmed) || !CARD_DIGITS.test(digits) || !passesLuhn(digits)) {
    throw invalidField(field, 'is not a valid card number');
  }
  return digits;
}
