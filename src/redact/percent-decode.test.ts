import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePercent, decodeQueryComponent } from './percent-decode.js';

describe('decodePercent', () => {
  it('decodes well-formed escapes once', () => {
    expect(decodePercent('a%20b%2Fc')).toBe('a b/c');
    expect(decodePercent('%E2%82%AC')).toBe('€');
    expect(decodePercent('%2570assword')).toBe('%70assword');
  });

  it('keeps malformed escapes as typed and still decodes the rest', () => {
    expect(decodePercent('%E0%A4%A')).toBe('\uFFFD%A');
    expect(decodePercent('100%')).toBe('100%');
    expect(decodePercent('%zz%41')).toBe('%zzA');
    expect(decodePercent('4242%204242%ZZ')).toBe('4242 4242%ZZ');
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (raw) => {
        expect(typeof decodePercent(raw)).toBe('string');
      }),
    );
  });
});

describe('decodeQueryComponent', () => {
  it('reads + as a space but %2B as a plus', () => {
    expect(decodeQueryComponent('a+b%2Bc')).toBe('a b+c');
  });
});
