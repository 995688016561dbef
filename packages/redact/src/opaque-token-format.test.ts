import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOpaqueToken } from '../test/opaque-tokens.js';
import { isOpaqueToken, OPAQUE_TOKEN_LENGTH, opaqueTokenChecksum } from './opaque-token-format.js';

describe('opaque token format', () => {
  it('accepts a token whose checksum matches, for its own prefix only', () => {
    const key = makeOpaqueToken('srk');
    expect(key).toHaveLength(OPAQUE_TOKEN_LENGTH);
    expect(isOpaqueToken(key)).toBe(true);
    expect(isOpaqueToken(key, 'srk')).toBe(true);
    expect(isOpaqueToken(key, 'srr')).toBe(false);
  });

  it('has a stable checksum (CRC32 in 6 base62 digits)', () => {
    expect(opaqueTokenChecksum('')).toBe('000000');
    expect(opaqueTokenChecksum('srk_')).toMatch(/^[0-9A-Za-z]{6}$/);
    expect(opaqueTokenChecksum('srk_')).toBe(opaqueTokenChecksum('srk_'));
  });

  it('rejects any single-character change', () => {
    const key = makeOpaqueToken('srr');
    fc.assert(
      fc.property(fc.integer({ min: 4, max: key.length - 1 }), fc.constantFrom(...'aZ09xQ'), (i, c) => {
        fc.pre(key[i] !== c);
        expect(isOpaqueToken(key.slice(0, i) + c + key.slice(i + 1))).toBe(false);
      }),
    );
  });

  it('rejects other lengths, prefixes and alphabets', () => {
    const key = makeOpaqueToken('srk');
    expect(isOpaqueToken(`${key}A`)).toBe(false);
    expect(isOpaqueToken(key.slice(1))).toBe(false);
    expect(isOpaqueToken(`sra${key.slice(3)}`)).toBe(false);
    expect(isOpaqueToken(`${key.slice(0, 10)}-${key.slice(11)}`)).toBe(false);
  });
});
