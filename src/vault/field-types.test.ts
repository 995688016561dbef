import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import {
  FIELD_TYPES,
  FIELD_VALUE_MAX_LENGTH,
  type FieldType,
  isFieldType,
  normalizeFieldValue,
} from './field-types.js';

const FIELD = 'body.records/0/fields/secret';

const VALID: ReadonlyArray<readonly [FieldType, unknown, string | number | boolean]> = [
  ['string', '  Cafe\u0301  ', 'Café'],
  ['text', 'line one\n\tline two', 'line one\n\tline two'],
  ['integer', 1234, 1234],
  ['boolean', false, false],
  ['date', '2024-02-29', '2024-02-29'],
  ['email', ' Jane.Doe@Example.ORG', 'Jane.Doe@example.org'],
  ['phone', '+1 (415) 555-0890', '+14155550890'],
  ['ssn', '123456789', '123-45-6789'],
  ['card_number', '4242 4242 4242 4242', '4242424242424242'],
  ['iban', 'de89 3704 0044 0532 0130 00', 'DE89370400440532013000'],
  ['iban', 'GB82WEST12345698765432', 'GB82WEST12345698765432'],
  ['name', ' Ada   Lovelace ', 'Ada Lovelace'],
  ['address', ' 221B Baker Street\nLondon ', '221B Baker Street\nLondon'],
];

const INVALID: ReadonlyArray<readonly [FieldType, unknown]> = [
  ['string', 'x'.repeat(1001)],
  ['string', 12345],
  ['text', 'z'.repeat(100_001)],
  ['integer', '12345'],
  ['integer', 1.5],
  ['boolean', 'true'],
  ['date', '2023-02-29'],
  ['date', 20230228],
  ['email', 'jane.doe@localhost'],
  ['email', 'jane.doe'],
  ['phone', '030 1234567'],
  ['phone', '+0301234567'],
  ['ssn', '000-12-3456'],
  ['ssn', '666-12-3456'],
  ['ssn', 123456789],
  ['card_number', '4242424242424241'],
  ['card_number', 4242424242424242],
  ['iban', 'DE89370400440532013001'],
  ['name', '123456789'],
  ['name', 'n'.repeat(201)],
  ['address', 'a'.repeat(1001)],
];

describe('FIELD_TYPES', () => {
  it('lists the twelve types and is frozen', () => {
    expect(FIELD_TYPES).toEqual([
      'string',
      'text',
      'integer',
      'boolean',
      'date',
      'email',
      'phone',
      'ssn',
      'card_number',
      'iban',
      'name',
      'address',
    ]);
    expect(Object.isFrozen(FIELD_TYPES)).toBe(true);
    expect(isFieldType('iban')).toBe(true);
    expect(isFieldType('IBAN')).toBe(false);
    expect(isFieldType('toString')).toBe(false);
  });
});

describe('normalizeFieldValue', () => {
  it.each(VALID)('accepts a valid %s and returns its canonical form', (type, input, expected) => {
    expect(normalizeFieldValue(type, input, FIELD)).toBe(expected);
    expect(normalizeFieldValue(type, expected, FIELD)).toBe(expected);
  });

  it.each(INVALID)(
    'refuses a bad %s with VALIDATION_FAILED naming the field, never the value',
    (type, input) => {
      let thrown: unknown;
      try {
        normalizeFieldValue(type, input, FIELD);
      } catch (error) {
        thrown = error;
      }
      expect(isAppError(thrown, 'VALIDATION_FAILED')).toBe(true);
      if (!isAppError(thrown)) return;
      expect(thrown.field).toBe(FIELD);
      expect(thrown.message).toContain(FIELD);
      expect(thrown.message).not.toContain(String(input));
      expect(thrown.message).not.toMatch(/\d{3}/);
    },
  );

  it('refuses an unknown type as a programming error', () => {
    expect(() => normalizeFieldValue('secret' as FieldType, 'x', FIELD)).toThrow(TypeError);
  });

  it('for any input, returns a value or throws VALIDATION_FAILED, never another error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELD_TYPES), fc.anything(), (type, input) => {
        try {
          normalizeFieldValue(type, input, FIELD);
        } catch (error) {
          return isAppError(error, 'VALIDATION_FAILED') && error.field === FIELD;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('never echoes a canary value in an error message', () => {
    const canary = 'CANARY-7f3a9c';
    for (const type of FIELD_TYPES) {
      for (const input of [canary, `${canary}@example.com`, `+1 ${canary}`, [canary], { canary }]) {
        try {
          normalizeFieldValue(type, input, FIELD);
        } catch (error) {
          expect((error as Error).message).not.toContain(canary);
          expect((error as Error).stack ?? '').not.toContain(canary);
        }
      }
    }
  });

  it('refuses every string longer than the limit the API description publishes for its type', () => {
    const stringTypes = FIELD_TYPES.filter((type) => FIELD_VALUE_MAX_LENGTH[type] !== null);
    fc.assert(
      fc.property(
        fc.constantFrom(...stringTypes),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom('4', 'a', 'é'),
        (type, extra, unit) => {
          const limit = FIELD_VALUE_MAX_LENGTH[type] ?? 0;
          // Padded inside a valid value's characters, so only its length can make it invalid.
          const value = `1${unit.repeat(limit + extra)}1`;
          // Dates and SSNs are bounded by their shape; the others check the length before anything else.
          const reason = type === 'date' || type === 'ssn' ? /valid|date/ : /too long/;
          expect(() => normalizeFieldValue(type, value, FIELD)).toThrow(reason);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("accepts a value at each string type's published limit where one can be built", () => {
    expect(normalizeFieldValue('string', 'x'.repeat(FIELD_VALUE_MAX_LENGTH.string ?? 0), FIELD)).toHaveLength(
      1000,
    );
    expect(normalizeFieldValue('name', 'x'.repeat(FIELD_VALUE_MAX_LENGTH.name ?? 0), FIELD)).toHaveLength(
      200,
    );
    expect(normalizeFieldValue('ssn', '123-45-6789', FIELD)).toBe('123-45-6789');
    expect(normalizeFieldValue('date', '2024-02-29', FIELD)).toBe('2024-02-29');
  });
});
