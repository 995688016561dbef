import { describe, expect, it } from 'vitest';
import { expectFieldRejected } from '../../test/helpers/expect-field-rejected.js';
import { normalizePhone } from './phone-field.js';

const FIELD = 'body.fields/phone';

const expectRejected = (value: unknown) =>
  expectFieldRejected(normalizePhone, value, FIELD, { echo: String(value).trim() });

describe('normalizePhone', () => {
  it('normalizes international numbers to E.164', () => {
    expect(normalizePhone('+1 (415) 555-0890', FIELD)).toBe('+14155550890');
    expect(normalizePhone('+49 30 1234567', FIELD)).toBe('+49301234567');
    expect(normalizePhone(' +44-20-7946-0958 ', FIELD)).toBe('+442079460958');
    expect(normalizePhone('+12345678', FIELD)).toBe('+12345678');
    expect(normalizePhone('+123456789012345', FIELD)).toBe('+123456789012345');
  });

  it('refuses numbers without a country code', () => {
    expectRejected('030 1234567');
    expectRejected('(415) 555-0890');
    expectRejected('+0301234567');
    expectRejected('+ () -');
    expectRejected('+');
  });

  it('refuses too few or too many digits, other characters and non-strings', () => {
    expectRejected('+1234567');
    expectRejected('+1234567890123456');
    expectRejected('+1.415.555.0890');
    expectRejected('+1 415 555 0890 ext 12');
    expectRejected('+1 415 555\n0890');
    expectRejected('+1 415 555 0890+');
    expectRejected(`+1${' '.repeat(70)}4155550890`);
    expectRejected(14155550890);
  });
});
