/** The fast paths of the field format must agree exactly with the generic code they shortcut. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldAad } from './envelope.js';
import { parseFieldCiphertext } from './field-ciphertext.js';

const plainName = fc.stringMatching(/^[A-Za-z0-9_$.-]{1,40}$/);
const anyName = fc.string({ minLength: 1, maxLength: 20 });

describe('fieldAad', () => {
  it('is the JSON array of its parts, whichever path builds it', () => {
    fc.assert(
      fc.property(
        fc.oneof(plainName, anyName),
        fc.oneof(plainName, anyName),
        fc.oneof(plainName, anyName),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (collection, recordId, field, keyId, keyVersion) => {
          const aad = fieldAad({ collection, recordId, field, keyId, keyVersion });
          const expected = JSON.stringify(['sr1', collection, recordId, field, keyId, keyVersion]);
          expect(aad.equals(Buffer.from(expected, 'utf8'))).toBe(true);
        },
      ),
    );
  });
});

describe('canonical base64url', () => {
  it('accepts exactly the spellings that re-encode to themselves', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 40 }),
        fc.integer({ min: 0, max: 63 }),
        (bytes, swap) => {
          const body = Buffer.from(bytes).toString('base64url');
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
          const mutated = body.slice(0, -1) + alphabet[swap];
          const text = `sr1:k:1:${Buffer.alloc(12, 7).toString('base64url')}:${mutated}`;
          const canonical = Buffer.from(mutated, 'base64url').toString('base64url') === mutated;
          if (canonical) expect(() => parseFieldCiphertext(text)).not.toThrow();
          else expect(() => parseFieldCiphertext(text)).toThrow(/canonical/);
        },
      ),
    );
  });
});
