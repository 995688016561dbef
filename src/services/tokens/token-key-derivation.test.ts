/**
 * The token key labels, pinned: known answers computed independently (RFC 5869 HKDF-SHA-256, empty salt, with
 * Python's hmac module) for the root 00 01 … 1f. A changed label would make stored values unreadable and change
 * every deterministic and card token. HKDF itself is checked against RFC 5869 and Wycheproof in crypto/kdf.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { tokenHmacKeys, tokenSealingKey } from './token-key-derivation.js';

const ROOT = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

describe('token key derivation', () => {
  it('derives the sealing and HMAC keys with their own labels (known answers)', () => {
    expect(tokenSealingKey(ROOT, 2).toString('hex')).toBe(
      'db5932a9658087ff17eb655a0b6600a95dba323f052cd15ba74296bd77643668',
    );
    const hmac = tokenHmacKeys(ROOT);
    expect(hmac.deterministic.toString('hex')).toBe(
      '2446250ddbf1b310b2a78d1ddb1d22a005e773b3795fbc469d5be13ab476da8b',
    );
    expect(hmac.card.toString('hex')).toBe(
      '9d68bf621fbddb3cff5627d68acc41d3837f7b349eaaf51eb6398676b7799863',
    );
  });

  it('never uses a scheme-2 version as a key itself, and no two uses share a key', () => {
    const sealing = tokenSealingKey(ROOT, 2);
    const { deterministic, card } = tokenHmacKeys(ROOT);
    const keys = [ROOT, sealing, deterministic, card].map((k) => k.toString('hex'));
    expect(new Set(keys).size).toBe(4);
  });

  it('keeps a legacy (scheme 1) version as the AES key of the values sealed under it', () => {
    expect(tokenSealingKey(ROOT, 1).equals(ROOT)).toBe(true);
  });
});
