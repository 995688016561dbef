import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { type BlindIndexScope, blindIndexKey, computeBlindIndex } from './blind-index.js';

const root = Buffer.alloc(32, 0x42);
const scope: BlindIndexScope = { collection: 'patients', field: 'email', version: 1 };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isAppError(error) && error.status === 500 ? error.code : 'NOT_AN_INTERNAL_APP_ERROR';
  }
  return undefined;
}

describe('blind indexes', () => {
  it('match an independent computation with node:crypto (HKDF info = JSON array, HMAC truncated)', () => {
    const info = Buffer.from('["strongroom.blind-index.v1","patients","email",1]', 'utf8');
    const expectedKey = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), info, 32));
    const key = blindIndexKey(root, scope);
    expect(key).toEqual(expectedKey);
    const mac = createHmac('sha256', expectedKey).update('alice@example.com', 'utf8').digest();
    expect(computeBlindIndex(key, 'alice@example.com')).toBe(mac.subarray(0, 16).toString('base64url'));
    expect(computeBlindIndex(key, 'alice@example.com', 32)).toBe(mac.toString('base64url'));
    expect(computeBlindIndex(key, 'alice@example.com', 4)).toBe(mac.subarray(0, 4).toString('base64url'));
  });

  it('are deterministic and have the requested length', () => {
    const key = blindIndexKey(root, scope);
    expect(blindIndexKey(root, scope)).toEqual(key);
    expect(computeBlindIndex(key, 'v')).toBe(computeBlindIndex(key, 'v'));
    for (const bytes of [1, 8, 16, 32]) {
      expect(Buffer.from(computeBlindIndex(key, 'v', bytes), 'base64url')).toHaveLength(bytes);
    }
    expect(computeBlindIndex(key, 'v')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('use a different key per collection, field, version and root key', () => {
    const keys = [
      blindIndexKey(root, scope),
      blindIndexKey(root, { ...scope, collection: 'staff' }),
      blindIndexKey(root, { ...scope, field: 'phone' }),
      blindIndexKey(root, { ...scope, version: 2 }),
      blindIndexKey(randomBytes(32), scope),
      // Names that a separator-joined info string would merge.
      blindIndexKey(root, { collection: 'a.b', field: 'c', version: 1 }),
      blindIndexKey(root, { collection: 'a', field: 'b.c', version: 1 }),
    ];
    const indexes = keys.map((k) => computeBlindIndex(k, 'alice@example.com'));
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(keys.length);
    expect(new Set(indexes).size).toBe(indexes.length);
  });

  it('differ for different values (property, full-length tags)', () => {
    const key = blindIndexKey(root, scope);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        fc.pre(a !== b);
        expect(computeBlindIndex(key, a, 32)).not.toBe(computeBlindIndex(key, b, 32));
      }),
    );
  });

  it('refuse weak keys, bad lengths, bad scopes and values UTF-8 cannot carry', () => {
    const key = blindIndexKey(root, scope);
    expect(codeOf(() => blindIndexKey(randomBytes(16), scope))).toBe('FIELD_CRYPTO_INVALID_ARGUMENT');
    expect(codeOf(() => blindIndexKey(root, { ...scope, collection: '' }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    expect(codeOf(() => blindIndexKey(root, { ...scope, field: '' }))).toBe('FIELD_CRYPTO_INVALID_ARGUMENT');
    expect(codeOf(() => blindIndexKey(root, { ...scope, version: 0 }))).toBe('FIELD_CRYPTO_INVALID_ARGUMENT');
    expect(codeOf(() => blindIndexKey(root, { ...scope, version: 1.5 }))).toBe(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
    );
    expect(codeOf(() => computeBlindIndex(randomBytes(16), 'v'))).toBe('FIELD_CRYPTO_INVALID_ARGUMENT');
    for (const bytes of [0, 33, 1.5])
      expect(codeOf(() => computeBlindIndex(key, 'v', bytes))).toBe('FIELD_CRYPTO_INVALID_ARGUMENT');
    // '\uD800' and '\uDC00' would both become U+FFFD in UTF-8 and share an index.
    expect(codeOf(() => computeBlindIndex(key, '\uD800'))).toBe('FIELD_CRYPTO_INVALID_ARGUMENT');
  });
});
