import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import {
  createDataKey,
  decryptField,
  encryptField,
  type FieldContext,
  fieldAad,
  unwrapDataKey,
  wrapDataKey,
} from './envelope.js';
import { formatFieldCiphertext, parseFieldCiphertext } from './field-ciphertext.js';

const ctx: FieldContext = {
  collection: 'patients',
  recordId: 'r-1',
  field: 'diagnosis',
  keyId: 'dk1',
  keyVersion: 2,
};
const SECRET = 'canary: the patient has a secret';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isAppError(error) && error.status === 500 ? error.code : 'NOT_AN_INTERNAL_APP_ERROR';
  }
  return undefined;
}

function flipBit(buffer: Buffer, bit: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return copy;
}

describe('data keys', () => {
  it('are 32 fresh random bytes', () => {
    const a = createDataKey();
    expect(a).toHaveLength(32);
    expect(a).not.toEqual(createDataKey());
  });

  it('wrap and unwrap under the master key for the same key id and version', () => {
    const master = randomBytes(32);
    const dataKey = createDataKey();
    const wrapped = wrapDataKey(master, dataKey, { keyId: 'dk1', keyVersion: 2 });
    expect(wrapped).not.toContain(dataKey.toString('base64url'));
    expect(unwrapDataKey(master, wrapped, { keyId: 'dk1', keyVersion: 2 })).toEqual(dataKey);
  });

  it('refuse a wrong master key, another key id or version, and any one-bit change', () => {
    const master = randomBytes(32);
    const wrapped = wrapDataKey(master, createDataKey(), { keyId: 'dk1', keyVersion: 2 });
    const unwrap = (m: Buffer, w: string, keyId: string, keyVersion: number) =>
      codeOf(() => unwrapDataKey(m, w, { keyId, keyVersion }));
    expect(unwrap(randomBytes(32), wrapped, 'dk1', 2)).toBe('DATA_KEY_UNWRAP_FAILED');
    expect(unwrap(master, wrapped, 'dk2', 2)).toBe('DATA_KEY_UNWRAP_FAILED');
    expect(unwrap(master, wrapped, 'dk1', 3)).toBe('DATA_KEY_UNWRAP_FAILED');
    expect(unwrap(master, 'garbage', 'dk1', 2)).toBe('DATA_KEY_UNWRAP_FAILED');
    const body = Buffer.from(wrapped.slice(3), 'base64url');
    for (let bit = 0; bit < body.length * 8; bit++) {
      expect(unwrap(master, `v1.${flipBit(body, bit).toString('base64url')}`, 'dk1', 2)).toBe(
        'DATA_KEY_UNWRAP_FAILED',
      );
    }
  });

  it('refuse keys that are not 32 bytes and invalid key references', () => {
    const master = randomBytes(32);
    expect(codeOf(() => wrapDataKey(master, randomBytes(16), { keyId: 'k', keyVersion: 1 }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    expect(codeOf(() => wrapDataKey(master, createDataKey(), { keyId: 'a:b', keyVersion: 1 }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    expect(codeOf(() => wrapDataKey(master, createDataKey(), { keyId: 'k', keyVersion: 0 }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    // The master key itself must be 32 bytes too (aead.ts refuses anything else).
    expect(() => wrapDataKey(randomBytes(16), createDataKey(), { keyId: 'k', keyVersion: 1 })).toThrow();
  });
});

describe('field encryption', () => {
  const dataKey = createDataKey();

  it('round-trips, with a fresh nonce each time, and names its key in the header', () => {
    const a = encryptField(dataKey, SECRET, ctx);
    const b = encryptField(dataKey, SECRET, ctx);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^sr1:dk1:2:/);
    expect(a).not.toContain(Buffer.from(SECRET).toString('base64url').slice(0, 8));
    expect(decryptField(dataKey, a, ctx)).toBe(SECRET);
    expect(decryptField(dataKey, encryptField(dataKey, '', ctx), ctx)).toBe('');
  });

  it('refuses every one-bit change to the nonce and the body', () => {
    const parts = parseFieldCiphertext(encryptField(dataKey, 'short secret', ctx));
    for (let bit = 0; bit < 96; bit++) {
      const tampered = formatFieldCiphertext({ ...parts, nonce: flipBit(parts.nonce, bit) });
      expect(codeOf(() => decryptField(dataKey, tampered, ctx))).toBe('FIELD_DECRYPT_FAILED');
    }
    for (let bit = 0; bit < parts.body.length * 8; bit++) {
      const tampered = formatFieldCiphertext({ ...parts, body: flipBit(parts.body, bit) });
      expect(codeOf(() => decryptField(dataKey, tampered, ctx))).toBe('FIELD_DECRYPT_FAILED');
    }
  });

  it('refuses a wrong data key', () => {
    const sealed = encryptField(dataKey, SECRET, ctx);
    expect(codeOf(() => decryptField(createDataKey(), sealed, ctx))).toBe('FIELD_DECRYPT_FAILED');
  });

  it('refuses a ciphertext moved to another record, field or collection', () => {
    const sealed = encryptField(dataKey, SECRET, ctx);
    for (const moved of [{ recordId: 'r-2' }, { field: 'notes' }, { collection: 'staff' }]) {
      expect(codeOf(() => decryptField(dataKey, sealed, { ...ctx, ...moved }))).toBe('FIELD_DECRYPT_FAILED');
    }
  });

  it('refuses a header naming another key than the caller, and a relabelled header', () => {
    const sealed = encryptField(dataKey, SECRET, ctx);
    expect(codeOf(() => decryptField(dataKey, sealed, { ...ctx, keyVersion: 3 }))).toBe('FIELD_KEY_MISMATCH');
    expect(codeOf(() => decryptField(dataKey, sealed, { ...ctx, keyId: 'dk9' }))).toBe('FIELD_KEY_MISMATCH');
    // Rewriting the header to match another key reference does not help: key id and version are in the AAD.
    const relabelled = formatFieldCiphertext({ ...parseFieldCiphertext(sealed), keyVersion: 3 });
    expect(codeOf(() => decryptField(dataKey, relabelled, { ...ctx, keyVersion: 3 }))).toBe(
      'FIELD_DECRYPT_FAILED',
    );
  });

  it('refuses malformed ciphertexts and invalid arguments with fixed, value-free messages', () => {
    expect(codeOf(() => decryptField(dataKey, SECRET, ctx))).toBe('FIELD_CIPHERTEXT_MALFORMED');
    expect(codeOf(() => decryptField(randomBytes(16), SECRET, ctx))).toBe('FIELD_CRYPTO_INVALID_ARGUMENT');
    expect(codeOf(() => encryptField(dataKey, 'x', { ...ctx, recordId: '' }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    expect(codeOf(() => encryptField(dataKey, 'lone \uD800 surrogate', ctx))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    const sealed = encryptField(dataKey, SECRET, ctx);
    for (const run of [
      () => decryptField(dataKey, SECRET, ctx),
      () => decryptField(createDataKey(), sealed, ctx),
      () => decryptField(dataKey, sealed, { ...ctx, keyVersion: 3 }),
    ]) {
      try {
        run();
        expect.unreachable();
      } catch (error) {
        expect((error as Error).message).not.toContain('canary');
        expect((error as Error).message).not.toContain(sealed.slice(10, 30));
      }
    }
  });

  it('round-trips any Unicode text (property)', () => {
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 50 }), fc.string({ unit: 'binary' }));
    fc.assert(
      fc.property(text, (plaintext) => {
        expect(decryptField(dataKey, encryptField(dataKey, plaintext, ctx), ctx)).toBe(plaintext);
      }),
    );
  });
});

describe('fieldAad', () => {
  it('keeps apart contexts that separator-joined encodings would merge', () => {
    const aad = (c: Partial<FieldContext>) => fieldAad({ ...ctx, ...c }).toString('hex');
    expect(aad({ collection: 'a:b', recordId: 'c' })).not.toBe(aad({ collection: 'a', recordId: 'b:c' }));
    expect(aad({ recordId: 'r","x', field: 'y' })).not.toBe(aad({ recordId: 'r', field: 'x","y' }));
    expect(aad({ recordId: '\uD800' })).not.toBe(aad({ recordId: '\uDC00' }));
    expect(aad({ recordId: '\uD800' })).not.toBe(aad({ recordId: '\uFFFD' }));
  });

  it('gives distinct AADs to distinct contexts, whatever characters they hold (property)', () => {
    const tricky = fc.constantFrom(
      ':',
      ',',
      '"',
      '\\',
      '[',
      ']',
      '|',
      '\u0000',
      '\uD800',
      '\uDC00',
      '\uFFFD',
      'a',
    );
    const name = fc.oneof(
      fc.string({ unit: tricky, minLength: 1, maxLength: 6 }),
      fc.string({ minLength: 1 }),
    );
    const context = fc.record({
      collection: name,
      recordId: name,
      field: name,
      keyId: fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
      keyVersion: fc.integer({ min: 1, max: 5 }),
    });
    fc.assert(
      fc.property(context, context, (a, b) => {
        const same =
          a.collection === b.collection &&
          a.recordId === b.recordId &&
          a.field === b.field &&
          a.keyId === b.keyId &&
          a.keyVersion === b.keyVersion;
        expect(fieldAad(a).equals(fieldAad(b))).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });
});
