import { describe, expect, it } from 'vitest';
import { isRandomToken, RANDOM_TOKEN_PATTERN, randomToken } from './random-token.js';

describe('randomToken', () => {
  it('has the tok_ prefix and 22 base62 characters (≥128 bits)', () => {
    const token = randomToken();
    expect(token).toMatch(RANDOM_TOKEN_PATTERN);
    expect(22 * Math.log2(62)).toBeGreaterThanOrEqual(128);
    expect(isRandomToken(token)).toBe(true);
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 5000 }, randomToken));
    expect(tokens.size).toBe(5000);
  });

  it('uses every base62 character with roughly equal frequency', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      for (const ch of randomToken().slice(4)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    // 66,000 draws, expected ≈1,065 each; plain `byte % 62` would put 8 characters ~25% high (≈1,330).
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(900);
      expect(n).toBeLessThan(1250);
    }
  });

  it('rejects other shapes', () => {
    expect(isRandomToken('tok_short')).toBe(false);
    expect(isRandomToken(`tkd_${'A'.repeat(22)}`)).toBe(false);
    expect(isRandomToken(`tok_${'A'.repeat(21)}-`)).toBe(false);
  });
});
