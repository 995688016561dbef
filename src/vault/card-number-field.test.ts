import { describe, expect, it } from 'vitest';
import { expectFieldRejected } from '../../test/helpers/expect-field-rejected.js';
import { normalizeCardNumber } from './card-number-field.js';

const FIELD = 'body.fields/card';

const expectRejected = (value: unknown) =>
  expectFieldRejected(normalizeCardNumber, value, FIELD, { noDigitRuns: true });

describe('normalizeCardNumber', () => {
  it('strips spaces and dashes', () => {
    expect(normalizeCardNumber('4242 4242 4242 4242', FIELD)).toBe('4242424242424242');
    expect(normalizeCardNumber('5555-5555-5555-4444', FIELD)).toBe('5555555555554444');
    expect(normalizeCardNumber('3782 822463 10005', FIELD)).toBe('378282246310005');
    expect(normalizeCardNumber('4111111111111111', FIELD)).toBe('4111111111111111');
  });

  it('accepts 12 to 19 digits that pass Luhn', () => {
    expect(normalizeCardNumber('123456789015', FIELD)).toBe('123456789015');
    expect(normalizeCardNumber('6011000990139424', FIELD)).toBe('6011000990139424');
    expect(normalizeCardNumber('4000000000000000006', FIELD)).toBe('4000000000000000006');
  });

  it('refuses a wrong check digit', () => {
    expectRejected('4242424242424241');
    expectRejected('4242 4242 4242 4241');
  });

  it('refuses wrong lengths, other characters and non-strings', () => {
    expectRejected('42424242426');
    expectRejected('42424242424242424242');
    expectRejected('4242.4242.4242.4242');
    expectRejected('4242x4242x4242x4242');
    expectRejected('４２４２４２４２４２４２４２４２');
    expectRejected(`4242${' '.repeat(40)}424242424242`);
    expectRejected(4242424242424242);
  });
});
