import { invalidField } from './field-error.js';

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A JSON number that is a safe integer (strings are refused, not parsed); `-0` becomes `0`. */
export function normalizeInteger(value: unknown, field: string): number {
  if (typeof value !== 'number') throw invalidField(field, 'must be a number');
  if (!Number.isSafeInteger(value)) throw invalidField(field, 'must be a safe integer');
  return value === 0 ? 0 : value;
}

/** A JSON boolean (no "true"/1 coercion). */
export function normalizeBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalidField(field, 'must be a boolean');
  return value;
}

/** A calendar date written exactly `YYYY-MM-DD` (proleptic Gregorian, years 0000–9999); returned unchanged. */
export function normalizeDate(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  const match = DATE_SHAPE.exec(value);
  if (match === null) throw invalidField(field, 'must be a date written YYYY-MM-DD');
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw invalidField(field, 'is not a real calendar date');
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
