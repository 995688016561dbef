import { randomBytes } from 'node:crypto';
import { isPlausibleCardNumber, passesLuhn } from '@strongroom/redact';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AppError, isAppError, PUBLIC_SERVER_ERRORS } from '../../errors.js';
import { formatPreservingCardToken, isCardToken } from './card-token.js';

const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);

function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) {
    if (passesLuhn(body + d)) return body + d;
  }
  throw new Error('unreachable');
}

const validCard = fc
  .integer({ min: 12, max: 19 })
  .chain((length) =>
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length - 1, maxLength: length - 1 }),
  )
  .map(withCheckDigit);

describe('formatPreservingCardToken', () => {
  it('keeps length and last four, fails Luhn, starts with 9, is not a plausible card', () => {
    fc.assert(
      fc.property(validCard, (card) => {
        const token = formatPreservingCardToken(KEY, card);
        expect(token).toMatch(/^\d+$/);
        expect(token).toHaveLength(card.length);
        expect(token.slice(-4)).toBe(card.slice(-4));
        expect(token[0]).toBe('9');
        expect(passesLuhn(token)).toBe(false);
        expect(isPlausibleCardNumber(token)).toBe(false);
        expect(isCardToken(token)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('is deterministic per key and differs across keys', () => {
    fc.assert(
      fc.property(validCard, (card) => {
        expect(formatPreservingCardToken(KEY, card)).toBe(formatPreservingCardToken(KEY, card));
        // 12-digit cards have only 7 derived digits: a cross-key match has probability ~1e-7 per card.
        expect(formatPreservingCardToken(KEY, card)).not.toBe(formatPreservingCardToken(OTHER_KEY, card));
      }),
      { numRuns: 500 },
    );
  });

  it('fails Luhn even when the derived digits happen to pass (the bump path)', () => {
    // About one card in ten needs the bump; 1000 random keys exercise it ~100 times.
    const card = '4242424242424242';
    for (let i = 0; i < 1000; i++) {
      expect(passesLuhn(formatPreservingCardToken(randomBytes(32), card))).toBe(false);
    }
  });

  it('refuses non-cards, including its own tokens, without quoting them', () => {
    const token = formatPreservingCardToken(KEY, '4242424242424242');
    for (const bad of [
      token,
      '4242424242424241',
      '42424242424',
      '42424242424242424242',
      '4242-4242-4242-4242',
    ]) {
      try {
        formatPreservingCardToken(KEY, bad);
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({ code: 'TOKEN_INPUT_INVALID' });
        expect((error as Error).message).not.toContain(bad);
      }
    }
    expect(() => formatPreservingCardToken(Buffer.alloc(31), '4242424242424242')).toThrow(
      expect.objectContaining({ code: 'TOKEN_KEY_INVALID' }),
    );
  });

  it('throws AppErrors with internal codes, which a client sees as INTERNAL_ERROR', () => {
    for (const [key, card, code] of [
      [Buffer.alloc(31), '4242424242424242', 'TOKEN_KEY_INVALID'],
      [KEY, '4242424242424241', 'TOKEN_INPUT_INVALID'],
    ] as const) {
      try {
        formatPreservingCardToken(key, card);
        expect.unreachable();
      } catch (error) {
        expect(isAppError(error, code)).toBe(true);
        expect((error as AppError).status).toBe(500);
        expect(PUBLIC_SERVER_ERRORS.has(code)).toBe(false);
      }
    }
  });

  it('does not recognise real cards as tokens', () => {
    expect(isCardToken('4242424242424242')).toBe(false);
  });
});
