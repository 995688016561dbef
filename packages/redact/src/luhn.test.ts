import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passesLuhn } from './luhn.js';

describe('passesLuhn', () => {
  it('accepts published test card numbers', () => {
    for (const pan of [
      '4242424242424242',
      '4111111111111111',
      '5555555555554444',
      '378282246310005',
      '79927398713',
    ]) {
      expect(passesLuhn(pan)).toBe(true);
    }
  });

  it('rejects a wrong check digit', () => {
    expect(passesLuhn('4242424242424241')).toBe(false);
    expect(passesLuhn('79927398710')).toBe(false);
  });

  it('rejects anything that is not only digits', () => {
    for (const input of ['', '4242 4242 4242 4242', '4242-4242-4242-4242', '42a2', '０']) {
      expect(passesLuhn(input)).toBe(false);
    }
  });

  it('detects every single-digit change', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 9 }), (position, delta) => {
        const pan = '4242424242424242';
        const changed = `${pan.slice(0, position)}${(Number(pan[position]) + delta) % 10}${pan.slice(position + 1)}`;
        expect(passesLuhn(changed)).toBe(false);
      }),
    );
  });
});
