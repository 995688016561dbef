import { describe, expect, it } from 'vitest';
import { type FieldType, normalizeFieldValue } from './field-types.js';
import { FULL_MASK, maskFieldValue } from './masking.js';

const FIELD = 'fields/x';

/** Normalizes then masks, as a read path would. */
function mask(type: FieldType, input: unknown): string {
  return maskFieldValue(type, normalizeFieldValue(type, input, FIELD));
}

describe('maskFieldValue rules', () => {
  it('ssn keeps the last four digits', () => {
    expect(mask('ssn', '123-45-6789')).toBe('***-**-6789');
  });

  it('card_number keeps the last four digits, other digits masked in groups of four', () => {
    expect(mask('card_number', '4242 4242 4242 4242')).toBe('**** **** **** 4242');
    expect(mask('card_number', '378282246310005')).toBe('**** **** *** 0005');
    expect(mask('card_number', '123456789015')).toBe('**** **** 9015');
    expect(mask('card_number', '4000000000000000006')).toBe('**** **** **** *** 0006');
  });

  it('phone keeps +, the first digit and the last three', () => {
    expect(mask('phone', '+1 415 555 0890')).toBe('+1*******890');
    expect(mask('phone', '+12345678')).toBe('+1****678');
  });

  it('iban keeps the country code and the last four characters', () => {
    expect(mask('iban', 'DE89370400440532013000')).toBe('DE****************3000');
    expect(mask('iban', 'GB82WEST12345698765432')).toBe('GB****************5432');
  });

  it('email keeps the first character of the local part and the domain', () => {
    expect(mask('email', 'jane.doe@Example.com')).toBe('j***@example.com');
    expect(mask('email', 'jd@example.com')).toBe('j***@example.com');
    expect(mask('email', 'j@example.com')).toBe('*@example.com');
  });

  it('name keeps the first character of each word', () => {
    expect(mask('name', 'Ada  Lovelace')).toBe('A*** L***');
    expect(mask('name', 'Jean-Luc Picard')).toBe('J*** P***');
    expect(mask('name', 'Émile')).toBe('É***');
    expect(mask('name', '𝒜da')).toBe('𝒜***');
  });

  it('date keeps the year only', () => {
    expect(mask('date', '1990-07-14')).toBe('1990-**-**');
  });

  it('string, text and address keep the first character, or nothing below four characters', () => {
    expect(mask('string', 'hunter2')).toBe('h***');
    expect(mask('text', 'Dear diary,\nToday…')).toBe('D***');
    expect(mask('address', '221B Baker Street')).toBe('2***');
    expect(mask('string', 'abc')).toBe(FULL_MASK);
    expect(mask('string', '😀😀😀')).toBe(FULL_MASK);
    expect(mask('string', '😀😀😀😀')).toBe('😀***');
    expect(mask('string', '')).toBe(FULL_MASK);
  });

  it('integer and boolean reveal nothing', () => {
    expect(mask('integer', 123456)).toBe(FULL_MASK);
    expect(mask('boolean', true)).toBe(FULL_MASK);
  });

  it('masks a value not in canonical form entirely', () => {
    const cases: ReadonlyArray<readonly [FieldType, string | number | boolean]> = [
      ['card_number', '4242 4242 4242 4242'],
      ['card_number', 4242424242424242],
      ['ssn', '123456789'],
      ['ssn', 123456789],
      ['phone', '14155550890'],
      ['iban', 'de89370400440532013000'],
      ['date', '14/07/1990'],
      ['email', 'nobody'],
      ['email', '@example.com'],
      ['email', 'a@b@example.com'],
      ['name', ''],
      ['string', 42],
    ];
    for (const [type, value] of cases) expect(maskFieldValue(type, value)).toBe(FULL_MASK);
  });
});
