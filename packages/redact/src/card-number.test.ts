import { describe, expect, it } from 'vitest';
import { findCardNumbersInRun, isPlausibleCardNumber } from './card-number.js';

const spansIn = (run: string): string[] =>
  findCardNumbersInRun(run).map(({ start, end }) => run.slice(start, end));

describe('isPlausibleCardNumber', () => {
  it('accepts 13 to 19 digits passing Luhn', () => {
    expect(isPlausibleCardNumber('4242424242424242')).toBe(true);
    expect(isPlausibleCardNumber('4222222222222')).toBe(true);
    expect(isPlausibleCardNumber('378282246310005')).toBe(true);
  });

  it('rejects numbers no issuer uses, like millisecond timestamps', () => {
    expect(isPlausibleCardNumber('0000000000000000')).toBe(false);
    expect(isPlausibleCardNumber('1700000000004')).toBe(false);
    // UATP cards are the one 15-digit range starting with 1.
    expect(isPlausibleCardNumber('122000000000003')).toBe(true);
  });

  it('rejects a wrong length or check digit', () => {
    expect(isPlausibleCardNumber('424242424242')).toBe(false);
    expect(isPlausibleCardNumber('42424242424242424242')).toBe(false);
    expect(isPlausibleCardNumber('4242424242424241')).toBe(false);
  });
});

describe('findCardNumbersInRun', () => {
  it('finds whole groups and printed groupings', () => {
    expect(spansIn('4242424242424242')).toEqual(['4242424242424242']);
    expect(spansIn('4111 1111 1111 1111')).toEqual(['4111 1111 1111 1111']);
    expect(spansIn('4111-1111-1111-1111')).toEqual(['4111-1111-1111-1111']);
    expect(spansIn('3782 822463 10005')).toEqual(['3782 822463 10005']);
  });

  it('finds a card next to other numbers in the same run', () => {
    expect(spansIn('4111 1111 1111 1111 123')).toEqual(['4111 1111 1111 1111']);
    expect(spansIn('1 4242424242424242 5')).toEqual(['4242424242424242']);
    expect(spansIn('4242424242424242 4111111111111111')).toEqual(['4242424242424242', '4111111111111111']);
  });

  it('never takes a slice of a longer digit group', () => {
    // Contains 4242424242424242, but as part of a 17-digit number that fails Luhn.
    expect(spansIn('84242424242424242')).toEqual([]);
    expect(spansIn('42424242424242420000')).toEqual([]);
  });

  it('rejects mixed separators and groupings no card uses', () => {
    expect(spansIn('4111-1111 1111-1111')).toEqual([]);
    expect(spansIn('41 11 11 11 11 11 11 11')).toEqual([]);
  });
});
