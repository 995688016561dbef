import { describe, expect, it } from 'vitest';
import { isValidPrintedSsn, isValidSsn } from './ssn.js';

describe('isValidSsn', () => {
  it('accepts issuable numbers', () => {
    expect(isValidSsn('123456789')).toBe(true);
    expect(isValidSsn('899010001')).toBe(true);
  });

  it.each([
    ['area 000', '000123456'],
    ['area 666', '666123456'],
    ['area 9xx', '912345678'],
    ['group 00', '123006789'],
    ['serial 0000', '123450000'],
    ['too short', '12345678'],
    ['not digits', '12345678a'],
  ])('rejects %s', (_, digits) => {
    expect(isValidSsn(digits)).toBe(false);
  });

  it('checks printed forms without their separators', () => {
    expect(isValidPrintedSsn('123-45-6789')).toBe(true);
    expect(isValidPrintedSsn('123 45 6789')).toBe(true);
    expect(isValidPrintedSsn('000-12-3456')).toBe(false);
  });
});
