import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectFieldRejected } from '../../test/helpers/expect-field-rejected.js';
import { computeIbanCheckDigits, IBAN_LENGTHS, normalizeIban } from './iban-field.js';

const FIELD = 'body.fields/iban';

const expectRejected = (value: unknown) =>
  expectFieldRejected(normalizeIban, value, FIELD, { noDigitRuns: true });

describe('normalizeIban', () => {
  it('accepts published example IBANs, removing spaces and upper-casing', () => {
    expect(normalizeIban('DE89370400440532013000', FIELD)).toBe('DE89370400440532013000');
    expect(normalizeIban('GB82WEST12345698765432', FIELD)).toBe('GB82WEST12345698765432');
    expect(normalizeIban('gb82 west 1234 5698 7654 32', FIELD)).toBe('GB82WEST12345698765432');
    expect(normalizeIban('FR14 2004 1010 0505 0001 3M02 606', FIELD)).toBe('FR1420041010050500013M02606');
    expect(normalizeIban('NL91ABNA0417164300', FIELD)).toBe('NL91ABNA0417164300');
    expect(normalizeIban('NO9386011117947', FIELD)).toBe('NO9386011117947');
    expect(normalizeIban('BE68539007547034', FIELD)).toBe('BE68539007547034');
  });

  it('refuses bad check digits', () => {
    expectRejected('DE89370400440532013001');
    expectRejected('DE88370400440532013000');
    expectRejected('GB82WEST12345698765433');
  });

  it('refuses check digits 00, 01 and 99 even when mod-97 would pass', () => {
    // 97 ≡ 0 and 98 ≡ 1 (mod 97): these only differ from a valid IBAN by an unissued check value.
    const bban = '370400440532013000';
    const valid = `DE${computeIbanCheckDigits('DE', bban)}${bban}`;
    expect(normalizeIban(valid, FIELD)).toBe(valid);
    const checks = Number(valid.slice(2, 4));
    if (checks === 97) expectRejected(`DE00${bban}`);
    if (checks === 98) expectRejected(`DE01${bban}`);
    expectRejected(`DE99${bban}`);
  });

  it('refuses lengths that do not match the country', () => {
    const bban = '3704004405320130001';
    expectRejected(`DE${computeIbanCheckDigits('DE', bban)}${bban}`);
    const short = '1234567890';
    expectRejected(`XK${computeIbanCheckDigits('XK', short)}${short}`);
  });

  it('accepts unknown countries with 15–34 characters', () => {
    const bban = '1212012345678906';
    const iban = `XK${computeIbanCheckDigits('XK', bban)}${bban}`;
    expect(normalizeIban(iban, FIELD)).toBe(iban);
  });

  it('refuses other shapes and types', () => {
    for (const value of ['DE8937040044053201300', '1289370400440532013000', 'DEXX370400440532013000']) {
      expectRejected(value);
    }
    expectRejected('DE89-3704-0044-0532-0130-00');
    expectRejected('DE89\u00a0370400440532013000');
    expectRejected(`DE89${' '.repeat(70)}370400440532013000`);
    expectRejected(8937040044);
  });

  it('accepts every generated IBAN of a listed country and refuses any single changed digit', () => {
    const countries = Object.keys(IBAN_LENGTHS);
    fc.assert(
      fc.property(
        fc.constantFrom(...countries),
        fc.infiniteStream(fc.integer({ min: 0, max: 9 })),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (country, digits, position, delta) => {
          const length = IBAN_LENGTHS[country] ?? 0;
          const bban = [...digits.take(length - 4)].join('');
          const iban = `${country}${computeIbanCheckDigits(country, bban)}${bban}`;
          expect(normalizeIban(iban, FIELD)).toBe(iban);
          const at = 4 + (position % bban.length);
          const changed = `${iban.slice(0, at)}${(Number(iban[at]) + delta) % 10}${iban.slice(at + 1)}`;
          expectRejected(changed);
        },
      ),
    );
  });
});
