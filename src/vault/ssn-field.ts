import { isValidSsn } from '@strongroom/redact';
import { invalidField } from './field-error.js';

const SSN_SHAPE = /^(?:\d{3}-\d{2}-\d{4}|\d{9})$/;

/** A US Social Security number written `123-45-6789` or `123456789`, normalized to `123-45-6789`. */
export function normalizeSsn(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  const trimmed = value.trim();
  if (!SSN_SHAPE.test(trimmed)) throw invalidField(field, 'is not a valid SSN');
  const digits = trimmed.replace(/-/g, '');
  if (!isValidSsn(digits)) throw invalidField(field, 'is not a valid SSN');
  return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
}
