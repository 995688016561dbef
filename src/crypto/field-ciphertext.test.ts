import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { type FieldCiphertext, formatFieldCiphertext, parseFieldCiphertext } from './field-ciphertext.js';

const nonce = Buffer.alloc(12, 7);
const body = Buffer.alloc(20, 9);
const valid = formatFieldCiphertext({ keyId: 'users_email-1', keyVersion: 3, nonce, body });
const [, , , nonceText, bodyText] = valid.split(':') as [string, string, string, string, string];
const SECRET = 'canary-secret-value';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isAppError(error) && error.status === 500 ? error.code : 'NOT_AN_INTERNAL_APP_ERROR';
  }
  return undefined;
}

describe('formatFieldCiphertext / parseFieldCiphertext', () => {
  it('formats as sr1:<keyId>:<version>:<nonce>:<body> and parses back', () => {
    expect(valid).toBe(`sr1:users_email-1:3:${nonce.toString('base64url')}:${body.toString('base64url')}`);
    expect(parseFieldCiphertext(valid)).toEqual({ keyId: 'users_email-1', keyVersion: 3, nonce, body });
  });

  it('accepts the boundaries: 64-character id, max safe version, tag-only body', () => {
    const parts = {
      keyId: 'k'.repeat(64),
      keyVersion: Number.MAX_SAFE_INTEGER,
      nonce,
      body: Buffer.alloc(16),
    };
    expect(parseFieldCiphertext(formatFieldCiphertext(parts))).toEqual(parts);
  });

  it.each([
    ['empty string', ''],
    ['wrong prefix', valid.replace(/^sr1/, 'sr2')],
    ['upper-case prefix', valid.replace(/^sr1/, 'SR1')],
    ['too few parts', `sr1:k:1:${nonceText}`],
    ['too many parts', `${valid}:x`],
    ['empty key id', `sr1::1:${nonceText}:${bodyText}`],
    ['key id with a dot', `sr1:a.b:1:${nonceText}:${bodyText}`],
    ['key id with a space', `sr1:a b:1:${nonceText}:${bodyText}`],
    ['key id with non-ASCII', `sr1:clé:1:${nonceText}:${bodyText}`],
    ['65-character key id', `sr1:${'k'.repeat(65)}:1:${nonceText}:${bodyText}`],
    ['version 0', `sr1:k:0:${nonceText}:${bodyText}`],
    ['negative version', `sr1:k:-1:${nonceText}:${bodyText}`],
    ['leading-zero version', `sr1:k:01:${nonceText}:${bodyText}`],
    ['fractional version', `sr1:k:1.5:${nonceText}:${bodyText}`],
    ['exponent version', `sr1:k:1e3:${nonceText}:${bodyText}`],
    ['hex version', `sr1:k:0x10:${nonceText}:${bodyText}`],
    ['version with a plus', `sr1:k:+1:${nonceText}:${bodyText}`],
    ['version with spaces', `sr1:k: 1:${nonceText}:${bodyText}`],
    ['unsafe version', `sr1:k:9007199254740992:${nonceText}:${bodyText}`],
    ['empty version', `sr1:k::${nonceText}:${bodyText}`],
    ['11-byte nonce', `sr1:k:1:${Buffer.alloc(11).toString('base64url')}:${bodyText}`],
    ['13-byte nonce', `sr1:k:1:${Buffer.alloc(13).toString('base64url')}:${bodyText}`],
    ['padded nonce base64', `sr1:k:1:${nonceText}=:${bodyText}`],
    ['standard base64 alphabet', `sr1:k:1:${Buffer.alloc(12, 0xff).toString('base64')}:${bodyText}`],
    ['15-byte body', `sr1:k:1:${nonceText}:${Buffer.alloc(15).toString('base64url')}`],
    ['empty body', `sr1:k:1:${nonceText}:`],
    [
      'body with stray trailing bits',
      `sr1:k:1:${nonceText}:${Buffer.alloc(17).toString('base64url').slice(0, -1)}B`,
    ],
    ['body of impossible length', `sr1:k:1:${nonceText}:${Buffer.alloc(18).toString('base64url')}A`],
    ['padded body', `sr1:k:1:${nonceText}:${Buffer.alloc(17).toString('base64')}`],
    ['whitespace', ` ${valid}`],
    ['trailing newline', `${valid}\n`],
  ])('refuses %s with FIELD_CIPHERTEXT_MALFORMED', (_name, input) => {
    expect(codeOf(() => parseFieldCiphertext(input))).toBe('FIELD_CIPHERTEXT_MALFORMED');
  });

  it('refuses a non-string', () => {
    expect(codeOf(() => parseFieldCiphertext(42 as unknown as string))).toBe('FIELD_CIPHERTEXT_MALFORMED');
  });

  it('never echoes the input in the error message', () => {
    for (const input of [
      SECRET,
      `sr1:${SECRET}:1:x:y`,
      `sr1:k:1:${nonceText}:${SECRET}`,
      `${SECRET}:${valid}`,
    ]) {
      try {
        parseFieldCiphertext(input);
        expect.unreachable();
      } catch (error) {
        expect((error as Error).message).not.toContain(SECRET);
        expect((error as Error).message).not.toContain(input);
      }
    }
  });

  it('refuses to format parts that would not parse', () => {
    const base = { keyId: 'k', keyVersion: 1, nonce, body };
    expect(codeOf(() => formatFieldCiphertext({ ...base, keyId: 'a:b' }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    expect(codeOf(() => formatFieldCiphertext({ ...base, keyVersion: 0 }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    expect(codeOf(() => formatFieldCiphertext({ ...base, keyVersion: 1.5 }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    expect(codeOf(() => formatFieldCiphertext({ ...base, nonce: Buffer.alloc(16) }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    expect(codeOf(() => formatFieldCiphertext({ ...base, body: Buffer.alloc(15) }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
  });

  it('round-trips every valid set of parts (property)', () => {
    const parts = fc.record({
      keyId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      keyVersion: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }).map((a) => Buffer.from(a)),
      body: fc.uint8Array({ minLength: 16, maxLength: 200 }).map((a) => Buffer.from(a)),
    });
    fc.assert(
      fc.property(parts, (p: FieldCiphertext) => {
        const text = formatFieldCiphertext(p);
        expect(parseFieldCiphertext(text)).toEqual(p);
        expect(formatFieldCiphertext(parseFieldCiphertext(text))).toBe(text);
      }),
    );
  });

  it('parses only what it would format (property: parse then format is the identity or a refusal)', () => {
    const alphabet = fc.constantFrom(...'sr1:kK09_-AQgw=+/. '.split(''));
    const candidates = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 80 }),
      fc.string({ unit: alphabet, maxLength: 20 }).map((s) => `sr1:k:1:${nonceText}:${bodyText}${s}`),
      fc.string({ unit: alphabet, maxLength: 20 }).map((s) => `sr1:${s}:1:${nonceText}:${bodyText}`),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        let parsed: FieldCiphertext;
        try {
          parsed = parseFieldCiphertext(text);
        } catch (error) {
          expect(isAppError(error, 'FIELD_CIPHERTEXT_MALFORMED')).toBe(true);
          return;
        }
        expect(formatFieldCiphertext(parsed)).toBe(text);
      }),
    );
  });
});
