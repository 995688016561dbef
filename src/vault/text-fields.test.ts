import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectFieldRejected } from '../../test/helpers/expect-field-rejected.js';
import {
  countCodePoints,
  normalizeAddress,
  normalizeName,
  normalizeString,
  normalizeText,
} from './text-fields.js';

const FIELD = 'body.fields/notes';

const expectRejected = (normalize: (value: unknown, field: string) => unknown, value: unknown) =>
  expectFieldRejected(normalize, value, FIELD, { echo: typeof value === 'string' ? value.trim() : '' });

describe('normalizeString', () => {
  it('trims and NFC-normalizes', () => {
    expect(normalizeString('  Cafe\u0301 au lait ', FIELD)).toBe('Café au lait');
    expect(normalizeString('', FIELD)).toBe('');
  });

  it('accepts exactly 1,000 code points, astral characters counting once', () => {
    expect(normalizeString('x'.repeat(1000), FIELD)).toHaveLength(1000);
    expect(normalizeString('😀'.repeat(1000), FIELD)).toHaveLength(2000);
  });

  it('refuses non-strings, over-long values, control characters and lone surrogates', () => {
    for (const value of [42, null, undefined, ['secret'], { a: 1 }, true])
      expectRejected(normalizeString, value);
    expectRejected(normalizeString, 'x'.repeat(1001));
    expectRejected(normalizeString, 'y'.repeat(100_000));
    expectRejected(normalizeString, 'secret\nvalue');
    expectRejected(normalizeString, 'secret\tvalue');
    expectRejected(normalizeString, 'secret\u0000value');
    expectRejected(normalizeString, 'secret\u0085value');
    expectRejected(normalizeString, 'secret\ud800value');
  });
});

describe('normalizeText', () => {
  it('keeps tabs, newlines and surrounding whitespace, NFC-normalized', () => {
    expect(normalizeText(' line one\r\n\tline two\n', FIELD)).toBe(' line one\r\n\tline two\n');
    expect(normalizeText('A\u030A', FIELD)).toBe('Å');
  });

  it('accepts 100,000 code points and refuses more', () => {
    expect(normalizeText('z'.repeat(100_000), FIELD)).toHaveLength(100_000);
    expectRejected(normalizeText, 'z'.repeat(100_001));
  });

  it('refuses other control characters and non-strings', () => {
    expectRejected(normalizeText, 'secret\u0007bell');
    expectRejected(normalizeText, 'secret\u001bescape');
    expectRejected(normalizeText, 7);
  });
});

describe('normalizeName', () => {
  it('trims, collapses inner whitespace and NFC-normalizes', () => {
    expect(normalizeName('  Jean-Luc \u00a0  Picard ', FIELD)).toBe('Jean-Luc Picard');
    expect(normalizeName('Zoe\u0308', FIELD)).toBe('Zoë');
    expect(normalizeName('李小龍', FIELD)).toBe('李小龍');
    expect(normalizeName('X', FIELD)).toBe('X');
  });

  it('accepts 200 code points and refuses 201', () => {
    expect(normalizeName('a'.repeat(200), FIELD)).toHaveLength(200);
    expectRejected(normalizeName, 'a'.repeat(201));
  });

  it('refuses empty, digits-only, control characters and non-strings', () => {
    expectRejected(normalizeName, '');
    expectRejected(normalizeName, '   ');
    expectRejected(normalizeName, '123456789');
    expectRejected(normalizeName, '123 456');
    expectRejected(normalizeName, 'Jean\nPicard');
    expectRejected(normalizeName, 'Jean\tPicard');
    expectRejected(normalizeName, ['Jean']);
  });
});

describe('normalizeAddress', () => {
  it('trims, keeps newlines and NFC-normalizes', () => {
    expect(normalizeAddress('  1 Rue de l’Église\n75001 Paris\n', FIELD)).toBe(
      '1 Rue de l’Église\n75001 Paris',
    );
    expect(normalizeAddress('10 Downing St\r\nLondon', FIELD)).toBe('10 Downing St\r\nLondon');
  });

  it('refuses tabs and other control characters, over-long values and non-strings', () => {
    expectRejected(normalizeAddress, '1 Main St\tSpringfield');
    expectRejected(normalizeAddress, '1 Main St\u0000Springfield');
    expectRejected(normalizeAddress, 'a'.repeat(1001));
    expectRejected(normalizeAddress, { street: 'Main' });
  });
});

describe('countCodePoints', () => {
  it('counts surrogate pairs once', () => {
    expect(countCodePoints('')).toBe(0);
    expect(countCodePoints('abc')).toBe(3);
    expect(countCodePoints('a😀b')).toBe(3);
  });

  it('agrees with Array.from for well-formed strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => countCodePoints(s) === Array.from(s).length),
    );
  });
});

describe('normalization is idempotent', () => {
  it.each([
    ['string', normalizeString],
    ['text', normalizeText],
    ['name', normalizeName],
    ['address', normalizeAddress],
  ] as const)('%s', (_, normalize) => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (s) => {
        let once: string;
        try {
          once = normalize(s, FIELD);
        } catch {
          return true;
        }
        return normalize(once, FIELD) === once;
      }),
    );
  });
});
