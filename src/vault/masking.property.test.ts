import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FieldType, normalizeFieldValue } from './field-types.js';
import { computeIbanCheckDigits, IBAN_LENGTHS } from './iban-field.js';
import { FULL_MASK, maskFieldValue } from './masking.js';

const FIELD = 'fields/x';

/** Normalizes then masks, as a read path would. */
function mask(type: FieldType, input: unknown): string {
  return maskFieldValue(type, normalizeFieldValue(type, input, FIELD));
}

function withLuhnDigit(body: string): string {
  for (let check = 0; check <= 9; check++) {
    const candidate = `${body}${check}`;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let digit = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

const digitString = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

describe('masks never reveal more than documented', () => {
  it('card_number: the only digits shown are the last four, the length is kept', () => {
    fc.assert(
      fc.property(digitString(11, 18), (body) => {
        const card = withLuhnDigit(body);
        const masked = mask('card_number', card);
        expect(masked.replace(/\D/g, '')).toBe(card.slice(-4));
        expect(masked.replace(/[^*]/g, '')).toHaveLength(card.length - 4);
        expect(masked).toMatch(/^(\*{4} )*\*{1,4} \d{4}$/);
      }),
    );
  });

  it('ssn: the only digits shown are the last four', () => {
    const ssn = fc
      .tuple(
        fc.integer({ min: 1, max: 899 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 9999 }),
      )
      .filter(([area]) => area !== 666)
      .map(([a, g, s]) => `${a}`.padStart(3, '0') + `${g}`.padStart(2, '0') + `${s}`.padStart(4, '0'));
    fc.assert(
      fc.property(ssn, (digits) => {
        const masked = mask('ssn', digits);
        expect(masked).toBe(`***-**-${digits.slice(-4)}`);
      }),
    );
  });

  it('phone: the only digits shown are the first and the last three', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), digitString(7, 14), (first, rest) => {
        const digits = `${first}${rest}`;
        const masked = mask('phone', `+${digits}`);
        expect(masked.replace(/\D/g, '')).toBe(`${digits[0]}${digits.slice(-3)}`);
        expect(masked).toBe(`+${digits[0]}${'*'.repeat(digits.length - 4)}${digits.slice(-3)}`);
      }),
    );
  });

  it('iban: the only characters shown are the country code and the last four', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(IBAN_LENGTHS)), digitString(30, 30), (country, pool) => {
        const bban = pool.slice(0, (IBAN_LENGTHS[country] ?? 0) - 4);
        const iban = `${country}${computeIbanCheckDigits(country, bban)}${bban}`;
        const masked = mask('iban', iban);
        expect(masked.replace(/\*/g, '')).toBe(`${country}${iban.slice(-4)}`);
        expect(masked).toHaveLength(iban.length);
        expect(masked.slice(2, -4)).toMatch(/^\*+$/);
      }),
    );
  });

  it('email: the only local-part character shown is the first, and only when there are two or more', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        let normalized: string;
        try {
          normalized = normalizeFieldValue('email', address, FIELD) as string;
        } catch {
          return;
        }
        const at = normalized.indexOf('@');
        const local = normalized.slice(0, at);
        const masked = maskFieldValue('email', normalized);
        const shown = local.length === 1 ? '*' : `${local[0]}***`;
        expect(masked).toBe(`${shown}${normalized.slice(at)}`);
      }),
    );
  });

  it('name: each word shows only its first character', () => {
    const word = fc.stringMatching(/^[A-Za-zÀ-ÖØ-öø-ÿ'-]{1,12}$/).filter((w) => /\p{L}/u.test(w));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
        const masked = mask('name', words.join(' '));
        expect(masked).toBe(words.map((w) => `${Array.from(w)[0]}***`).join(' '));
      }),
    );
  });

  it('date: only the year is shown', () => {
    const day = fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true });
    fc.assert(
      fc.property(day, (d) => {
        const iso = d.toISOString().slice(0, 10);
        expect(mask('date', iso)).toBe(`${iso.slice(0, 4)}-**-**`);
      }),
    );
  });

  it('string, text, address: at most the first code point is shown', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<FieldType>('string', 'text', 'address'),
        fc.string({ unit: 'grapheme' }),
        (type, s) => {
          let normalized: string;
          try {
            normalized = normalizeFieldValue(type, s, FIELD) as string;
          } catch {
            return;
          }
          const masked = maskFieldValue(type, normalized);
          const first = String.fromCodePoint(normalized.codePointAt(0) ?? 0);
          expect([FULL_MASK, `${first}${FULL_MASK}`]).toContain(masked);
          if (Array.from(normalized).length < 4) expect(masked).toBe(FULL_MASK);
        },
      ),
    );
  });

  it('integer and boolean: nothing is shown', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.boolean()), (value) => {
        expect(maskFieldValue(typeof value === 'boolean' ? 'boolean' : 'integer', value)).toBe(FULL_MASK);
      }),
    );
  });
});
