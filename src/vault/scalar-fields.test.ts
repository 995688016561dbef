import { describe, expect, it } from 'vitest';
import { expectFieldRejected } from '../../test/helpers/expect-field-rejected.js';
import { normalizeBoolean, normalizeDate, normalizeInteger } from './scalar-fields.js';

const FIELD = 'body.fields/born';

const expectRejected = (normalize: (value: unknown, field: string) => unknown, value: unknown) =>
  expectFieldRejected(normalize, value, FIELD);

describe('normalizeInteger', () => {
  it('accepts safe integers and turns -0 into 0', () => {
    expect(normalizeInteger(42, FIELD)).toBe(42);
    expect(normalizeInteger(-17, FIELD)).toBe(-17);
    expect(normalizeInteger(Number.MAX_SAFE_INTEGER, FIELD)).toBe(Number.MAX_SAFE_INTEGER);
    expect(Object.is(normalizeInteger(-0, FIELD), 0)).toBe(true);
  });

  it('refuses strings, fractions, unsafe integers and non-finite numbers', () => {
    for (const value of [
      '42',
      4.5,
      2 ** 53,
      -(2 ** 53),
      Number.NaN,
      Number.POSITIVE_INFINITY,
      10n,
      true,
      null,
    ]) {
      expectRejected(normalizeInteger, value);
    }
  });
});

describe('normalizeBoolean', () => {
  it('accepts booleans only', () => {
    expect(normalizeBoolean(true, FIELD)).toBe(true);
    expect(normalizeBoolean(false, FIELD)).toBe(false);
    for (const value of ['true', 1, 0, null, undefined]) expectRejected(normalizeBoolean, value);
  });
});

describe('normalizeDate', () => {
  it('accepts real calendar dates, including leap days', () => {
    for (const date of ['1990-01-31', '2024-02-29', '2000-02-29', '1999-12-31', '0001-01-01', '2023-04-30']) {
      expect(normalizeDate(date, FIELD)).toBe(date);
    }
  });

  it('refuses impossible dates', () => {
    for (const date of ['2023-02-29', '1900-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-01-00']) {
      expectRejected(normalizeDate, date);
    }
  });

  it('refuses other shapes and types', () => {
    for (const value of [
      '1990-1-5',
      '19900105',
      '1990-01-05T00:00:00Z',
      ' 1990-01-05',
      '١٩٩٠-٠١-٠٥',
      19900105,
    ]) {
      expectRejected(normalizeDate, value);
    }
    expectRejected(normalizeDate, new Date(0));
  });
});
