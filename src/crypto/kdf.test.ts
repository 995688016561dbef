import { describe, expect, it } from 'vitest';
import { loadWycheproof } from '../../test/vectors/load-wycheproof.js';
import { deriveKey, hmacSha256 } from './kdf.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const range = (from: number, to: number) =>
  Buffer.from(Array.from({ length: to - from + 1 }, (_, i) => from + i));

// RFC 5869 "HMAC-based Extract-and-Expand Key Derivation Function (HKDF)", Appendix A, test cases 1–3 (SHA-256).
const RFC5869 = [
  {
    name: 'A.1 basic',
    ikm: Buffer.alloc(22, 0x0b),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    length: 42,
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'A.2 longer inputs and outputs',
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    okm:
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09' +
      'da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    name: 'A.3 zero-length salt and info',
    ikm: Buffer.alloc(22, 0x0b),
    salt: Buffer.alloc(0),
    info: Buffer.alloc(0),
    length: 42,
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
];

// RFC 4231 "Identifiers and Test Vectors for HMAC-SHA-224, -256, -384 and -512", section 4, HMAC-SHA-256 results.
const RFC4231 = [
  {
    name: 'case 1',
    key: Buffer.alloc(20, 0x0b),
    data: Buffer.from('Hi There'),
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    name: 'case 2 (key shorter than the output)',
    key: Buffer.from('Jefe'),
    data: Buffer.from('what do ya want for nothing?'),
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    name: 'case 3',
    key: Buffer.alloc(20, 0xaa),
    data: Buffer.alloc(50, 0xdd),
    mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
  },
  {
    name: 'case 4',
    key: range(0x01, 0x19),
    data: Buffer.alloc(50, 0xcd),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
  {
    name: 'case 6 (key larger than the block size)',
    key: Buffer.alloc(131, 0xaa),
    data: Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    name: 'case 7 (key and data larger than the block size)',
    key: Buffer.alloc(131, 0xaa),
    data: Buffer.from(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be ' +
        'hashed before being used by the HMAC algorithm.',
    ),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

describe('deriveKey (HKDF-SHA-256)', () => {
  it.each(RFC5869)('RFC 5869 $name', (v) => {
    expect(deriveKey(v.ikm, v.info, v.length, v.salt).toString('hex')).toBe(v.okm);
  });

  it('treats an absent salt as the empty salt, a string info as UTF-8, and defaults to 32 bytes', () => {
    const ikm = Buffer.alloc(22, 0x0b);
    expect(deriveKey(ikm, Buffer.alloc(0), 42).toString('hex')).toBe(RFC5869[2]?.okm);
    expect(deriveKey(ikm, 'purpose é')).toEqual(deriveKey(ikm, Buffer.from('purpose é', 'utf8'), 32));
    expect(deriveKey(ikm, 'a')).toHaveLength(32);
    expect(deriveKey(ikm, 'a')).not.toEqual(deriveKey(ikm, 'b'));
  });

  it('refuses output lengths HKDF cannot produce', () => {
    const ikm = Buffer.alloc(32, 1);
    expect(deriveKey(ikm, 'x', 255 * 32)).toHaveLength(8160);
    for (const bad of [0, -1, 1.5, 255 * 32 + 1, Number.NaN])
      expect(() => deriveKey(ikm, 'x', bad)).toThrow(
        expect.objectContaining({ code: 'CRYPTO_INVALID_ARGUMENT' }),
      );
  });
});

describe('hmacSha256', () => {
  it.each(RFC4231)('RFC 4231 $name', (v) => {
    expect(hmacSha256(v.key, v.data).toString('hex')).toBe(v.mac);
  });

  it('RFC 4231 case 5: the 128-bit truncation is the prefix of the full tag', () => {
    const mac = hmacSha256(Buffer.alloc(20, 0x0c), Buffer.from('Test With Truncation'));
    expect(mac.subarray(0, 16).toString('hex')).toBe('a3b6167473100ee06e0c796c2955552b');
  });

  it('hashes a string as UTF-8', () => {
    expect(hmacSha256(Buffer.from('Jefe'), 'what do ya want for nothing?').toString('hex')).toBe(
      RFC4231[1]?.mac,
    );
  });
});

interface HkdfGroup {
  tests: Array<{
    tcId: number;
    ikm: string;
    salt: string;
    info: string;
    size: number;
    okm: string;
    result: string;
  }>;
}

interface MacGroup {
  tagSize: number;
  tests: Array<{ tcId: number; key: string; msg: string; tag: string; result: string }>;
}

describe('Wycheproof HKDF-SHA-256', () => {
  const cases = loadWycheproof<HkdfGroup>('hkdf_sha256_test.json').testGroups.flatMap((g) => g.tests);

  it('has vectors to run, including invalid ones', () => {
    expect(cases.length).toBeGreaterThan(50);
    expect(cases.some((c) => c.result === 'invalid')).toBe(true);
  });

  it.each(cases.map((c) => [c.tcId, c] as const))('tcId %i', (_id, c) => {
    if (c.result === 'invalid') {
      expect(() => deriveKey(hex(c.ikm), hex(c.info), c.size, hex(c.salt))).toThrow();
    } else {
      expect(deriveKey(hex(c.ikm), hex(c.info), c.size, hex(c.salt)).toString('hex')).toBe(c.okm);
    }
  });
});

describe('Wycheproof HMAC-SHA-256 (tags truncated to tagSize are compared as prefixes)', () => {
  const cases = loadWycheproof<MacGroup>('hmac_sha256_test.json').testGroups.flatMap((g) =>
    g.tests.map((t) => ({ ...t, tagBytes: g.tagSize / 8 })),
  );

  it('has vectors to run, including truncated tags and invalid ones', () => {
    expect(cases.length).toBeGreaterThan(100);
    expect(cases.some((c) => c.tagBytes < 32)).toBe(true);
    expect(cases.some((c) => c.result === 'invalid')).toBe(true);
  });

  it.each(cases.map((c) => [c.tcId, c.tagBytes * 8, c] as const))('tcId %i (%i-bit tag)', (_id, _bits, c) => {
    const tag = hmacSha256(hex(c.key), hex(c.msg)).subarray(0, c.tagBytes).toString('hex');
    if (c.result === 'invalid') expect(tag).not.toBe(c.tag);
    else expect(tag).toBe(c.tag);
  });
});
