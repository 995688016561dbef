import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DETERMINISTIC_TOKEN_PATTERN,
  deterministicToken,
  isDeterministicToken,
} from './deterministic-token.js';

const KEY = Buffer.alloc(32, 7);

function lengthPrefixed(...fields: string[]): Buffer {
  return Buffer.concat(
    fields.flatMap((f) => {
      const bytes = Buffer.from(f, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(bytes.length);
      return [len, bytes];
    }),
  );
}

describe('deterministicToken', () => {
  it('matches an independent computation of the documented construction', () => {
    const mac = createHmac('sha256', KEY)
      .update(lengthPrefixed('strongroom-tkd-v1', 'email', 'a@example.com'))
      .digest();
    expect(deterministicToken(KEY, 'email', 'a@example.com')).toBe(
      `tkd_${mac.subarray(0, 24).toString('base64url')}`,
    );
  });

  it('is tkd_ + 32 base64url characters', () => {
    const token = deterministicToken(KEY, 'email', 'a@example.com');
    expect(token).toMatch(DETERMINISTIC_TOKEN_PATTERN);
    expect(isDeterministicToken(token)).toBe(true);
  });

  it('gives equal tokens for equal inputs and different tokens otherwise', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.string(), (type, a, b) => {
        expect(deterministicToken(KEY, type, a)).toBe(deterministicToken(KEY, type, a));
        if (a !== b) expect(deterministicToken(KEY, type, a)).not.toBe(deterministicToken(KEY, type, b));
      }),
    );
  });

  it('binds the type: the same value under another type gets another token', () => {
    expect(deterministicToken(KEY, 'email', 'x')).not.toBe(deterministicToken(KEY, 'username', 'x'));
  });

  it('encodes fields unambiguously', () => {
    expect(deterministicToken(KEY, 'ab', 'c')).not.toBe(deterministicToken(KEY, 'a', 'bc'));
    expect(deterministicToken(KEY, 'a\u0000', 'b')).not.toBe(deterministicToken(KEY, 'a', '\u0000b'));
  });

  it('depends on the key', () => {
    expect(deterministicToken(KEY, 'email', 'x')).not.toBe(deterministicToken(randomBytes(32), 'email', 'x'));
  });

  it('refuses short keys and empty types without quoting the value', () => {
    expect(() => deterministicToken(Buffer.alloc(16), 'email', 'secret-value')).toThrow(
      expect.objectContaining({ code: 'TOKEN_KEY_INVALID' }),
    );
    try {
      deterministicToken(KEY, '', 'secret-value');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'TOKEN_INPUT_INVALID' });
      expect(String((error as Error).message)).not.toContain('secret-value');
    }
  });
});
