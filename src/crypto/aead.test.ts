import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadWycheproof } from '../../test/vectors/load-wycheproof.js';
import { open, seal } from './aead.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const code = (c: string) => expect.objectContaining({ name: 'AppError', code: c });
const sealedOf = (iv: Buffer, ct: Buffer, tag: Buffer) =>
  `v1.${Buffer.concat([iv, ct, tag]).toString('base64url')}`;

describe('AES-256-GCM sealing', () => {
  // McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test case 16 (AES-256, 96-bit IV, with AAD).
  it('opens the GCM specification test case 16', () => {
    const key = hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308');
    const sealed = sealedOf(
      hex('cafebabefacedbaddecaf888'),
      hex(
        '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
      ),
      hex('76fc6ece0f4e1768cddf8853bb2d551b'),
    );
    const plaintext = open(key, sealed, hex('feedfacedeadbeeffeedfacedeadbeefabaddad2'));
    expect(plaintext.toString('hex')).toBe(
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    );
  });

  it('round-trips, with a fresh nonce each time', () => {
    const key = randomBytes(32);
    const message = Buffer.from('a signing key, say');
    const a = seal(key, message, 'signing-key:k1');
    const b = seal(key, message, 'signing-key:k1');
    expect(a).not.toBe(b);
    expect(open(key, a, 'signing-key:k1')).toEqual(message);
  });

  it('refuses any one-bit change, a wrong key, a wrong AAD and a truncated value', () => {
    const key = randomBytes(32);
    const sealed = seal(key, Buffer.from('secret'), 'aad');
    const body = Buffer.from(sealed.slice(3), 'base64url');
    for (let bit = 0; bit < body.length * 8; bit++) {
      const tampered = Buffer.from(body);
      tampered[bit >> 3] = (tampered[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      expect(() => open(key, `v1.${tampered.toString('base64url')}`, 'aad')).toThrow(
        code('SEALED_VALUE_FAILED_AUTH'),
      );
    }
    expect(() => open(randomBytes(32), sealed, 'aad')).toThrow(code('SEALED_VALUE_FAILED_AUTH'));
    expect(() => open(key, sealed, 'other')).toThrow(code('SEALED_VALUE_FAILED_AUTH'));
    expect(() => open(key, `v1.${body.subarray(0, 20).toString('base64url')}`, 'aad')).toThrow(
      code('SEALED_VALUE_INVALID'),
    );
    expect(() => open(key, `v2.${sealed.slice(3)}`, 'aad')).toThrow(code('SEALED_VALUE_INVALID'));
    expect(() => seal(randomBytes(16), Buffer.alloc(1), 'aad')).toThrow(code('CRYPTO_INVALID_ARGUMENT'));
  });
});

interface AeadGroup {
  keySize: number;
  ivSize: number;
  tagSize: number;
  tests: Array<{
    tcId: number;
    key: string;
    iv: string;
    aad: string;
    msg: string;
    ct: string;
    tag: string;
    result: string;
  }>;
}

describe('Wycheproof AES-GCM (256-bit keys, 96-bit nonces: the only shape we seal)', () => {
  const groups = loadWycheproof<AeadGroup>('aes_gcm_test.json').testGroups.filter(
    (g) => g.keySize === 256 && g.ivSize === 96 && g.tagSize === 128,
  );
  const cases = groups.flatMap((g) => g.tests);

  it('has vectors to run', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases.map((c) => [c.tcId, c] as const))('tcId %i', (_id, c) => {
    const sealed = sealedOf(hex(c.iv), hex(c.ct), hex(c.tag));
    if (c.result === 'invalid') {
      expect(() => open(hex(c.key), sealed, hex(c.aad))).toThrow();
    } else {
      expect(open(hex(c.key), sealed, hex(c.aad)).toString('hex')).toBe(c.msg);
    }
  });
});
