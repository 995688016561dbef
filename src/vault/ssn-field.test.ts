import { describe, expect, it } from 'vitest';
import { expectFieldRejected } from '../../test/helpers/expect-field-rejected.js';
import { normalizeSsn } from './ssn-field.js';

const FIELD = 'body.fields/ssn';

const expectRejected = (value: unknown) =>
  expectFieldRejected(normalizeSsn, value, FIELD, { noDigitRuns: true });

describe('normalizeSsn', () => {
  it('accepts dashed and bare forms, normalized to dashed', () => {
    expect(normalizeSsn('123-45-6789', FIELD)).toBe('123-45-6789');
    expect(normalizeSsn('123456789', FIELD)).toBe('123-45-6789');
    expect(normalizeSsn(' 078-05-1120 ', FIELD)).toBe('078-05-1120');
  });

  it('refuses numbers the SSA does not issue', () => {
    for (const value of [
      '000-12-3456',
      '666-12-3456',
      '900-12-3456',
      '123-00-4567',
      '123-45-0000',
      '666123456',
    ]) {
      expectRejected(value);
    }
  });

  it('refuses other shapes and types', () => {
    for (const value of [
      '123 45 6789',
      '123-456789',
      '12-345-6789',
      '1234567890',
      '12345678',
      '123-45-678a',
    ]) {
      expectRejected(value);
    }
    expectRejected(123456789);
  });
});
