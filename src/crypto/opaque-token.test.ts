import { findSecrets } from '@strongroom/redact';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateOpaqueToken, hashOpaqueToken, isOpaqueToken } from './opaque-token.js';

describe('opaque tokens', () => {
  it('generates well-formed tokens with a valid checksum', () => {
    const key = generateOpaqueToken('srk');
    expect(key).toMatch(/^srk_[0-9A-Za-z]{49}$/);
    expect(isOpaqueToken(key)).toBe(true);
    expect(isOpaqueToken(key, 'srk')).toBe(true);
    expect(isOpaqueToken(key, 'srr')).toBe(false);
  });

  it('never repeats', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateOpaqueToken('srr')));
    expect(seen.size).toBe(1000);
  });

  it('rejects any single-character change (checksum)', () => {
    const key = generateOpaqueToken('srk');
    fc.assert(
      fc.property(fc.integer({ min: 4, max: key.length - 1 }), fc.constantFrom(...'aZ09xQ'), (i, c) => {
        fc.pre(key[i] !== c);
        const changed = key.slice(0, i) + c + key.slice(i + 1);
        expect(isOpaqueToken(changed)).toBe(false);
      }),
    );
  });

  it('rejects random strings of the same shape', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^srk_[0-9A-Za-z]{49}$/), (s) => {
        // 1 in 2^32 chance of a false positive per sample; fast-check runs 100.
        expect(isOpaqueToken(s)).toBe(false);
      }),
    );
  });

  it('hashes deterministically and differently per token', () => {
    const a = generateOpaqueToken('srk');
    expect(hashOpaqueToken(a)).toBe(hashOpaqueToken(a));
    expect(hashOpaqueToken(a)).not.toBe(hashOpaqueToken(generateOpaqueToken('srk')));
    expect(hashOpaqueToken(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('opaque tokens and the shared detectors', () => {
  it('every generated token is one the redactor finds', () => {
    for (const prefix of ['srk', 'srr'] as const) {
      const token = generateOpaqueToken(prefix);
      expect(findSecrets(`x=${token}.`)).toEqual([
        { detector: 'strongroom_token', start: 2, end: 2 + token.length },
      ]);
    }
  });
});
