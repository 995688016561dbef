import { Buffer } from 'node:buffer';
import { createHmac, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOpaqueToken as generateOpaqueToken } from '../test/opaque-tokens.js';
import { DETECTORS, type DetectorName, findSecrets, mayHoldSecret } from './detectors.js';
import { redactString } from './redact-value.js';

// The example token from jwt.io (HS256, secret "your-256-bit-secret").
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

function signJwt(payload: object): string {
  const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${createHmac('sha256', 'k').update(head).digest('base64url')}`;
}

const JWE = `${b64url('{"alg":"dir","enc":"A256GCM"}')}..${b64url('twelve bytes')}.${b64url('ciphertext!')}.${b64url('sixteen byte tag')}`;

/** The substrings `detector` reports in `text`. */
function found(text: string, detector: DetectorName): string[] {
  return findSecrets(text)
    .filter((match) => match.detector === detector)
    .map(({ start, end }) => text.slice(start, end));
}

describe('detectors', () => {
  it('are listed once each, most specific first', () => {
    expect(DETECTORS.map((d) => d.name)).toEqual([
      'private_key',
      'jwt',
      'strongroom_token',
      'shamir_share',
      'bearer',
      'basic',
      'card_number',
      'ssn',
      'email',
    ]);
    for (const detector of DETECTORS) expect(typeof detector.find).toBe('function');
  });

  describe('jwt', () => {
    it('finds JWS and JWE compact serialisations', () => {
      const signed = signJwt({ sub: 'u1', exp: 1_900_000_000 });
      expect(found(`token=${JWT}; path=/`, 'jwt')).toEqual([JWT]);
      expect(found(`"${signed}"`, 'jwt')).toEqual([signed]);
      expect(found(`x ${JWE} y`, 'jwt')).toEqual([JWE]);
      const unsigned = `${b64url('{"alg":"none"}')}.${b64url('{"sub":"u1"}')}.`;
      expect(found(unsigned, 'jwt')).toEqual([unsigned]);
    });

    it('ignores eyJ-prefixed strings whose header is not JSON', () => {
      expect(found('eyJfoo.bar.baz', 'jwt')).toEqual([]);
      expect(found(`${b64url('["alg"]')}.e30.sig`, 'jwt')).toEqual([]);
      expect(found('eyJhbGciOiJIUzI1NiJ9 alone', 'jwt')).toEqual([]);
    });
  });

  describe('strongroom_token', () => {
    it('finds generated tokens, even glued to other text', () => {
      const key = generateOpaqueToken('srk');
      const refresh = generateOpaqueToken('srr');
      expect(found(`key=${key}&r=${refresh}`, 'strongroom_token')).toEqual([key, refresh]);
      expect(found(`x${key}.`, 'strongroom_token')).toEqual([key]);
    });

    it('ignores a token with a wrong checksum', () => {
      const key = generateOpaqueToken('srk');
      const last = key.at(-1) === 'a' ? 'b' : 'a';
      expect(found(`${key.slice(0, -1)}${last}`, 'strongroom_token')).toEqual([]);
      expect(found(`srk_${'A'.repeat(49)}`, 'strongroom_token')).toEqual([]);
    });
  });

  describe('shamir_share', () => {
    // The server's own shares are checked against this detector in src/crypto/shamir-share.test.ts.
    it('finds key shares, even mistyped or glued to other text', () => {
      const share = `srs1-1-2-${randomBytes(41).toString('base64url').slice(0, 55)}-${randomBytes(4).toString('hex')}`;
      expect(found(`share=${share}&x`, 'shamir_share')).toEqual([share]);
      const typo = `${share.slice(0, 20)}${share[20] === 'A' ? 'B' : 'A'}${share.slice(21)}`;
      expect(found(`"${typo}"`, 'shamir_share')).toEqual([typo]);
      expect(found('srs1-1-2-short-00000000', 'shamir_share')).toEqual([]);
    });
  });

  describe('card_number', () => {
    it('finds test cards, plain or grouped', () => {
      expect(found('card 4242424242424242 exp 12/30', 'card_number')).toEqual(['4242424242424242']);
      expect(found('pan: 4111 1111 1111 1111.', 'card_number')).toEqual(['4111 1111 1111 1111']);
      expect(found('5555-5555-5555-4444,', 'card_number')).toEqual(['5555-5555-5555-4444']);
      expect(found('amex 3782 822463 10005 cvv 1234', 'card_number')).toEqual(['3782 822463 10005']);
    });

    it('ignores numbers that only look long', () => {
      expect(found('4242424242424241', 'card_number')).toEqual([]);
      expect(found('order 42424242424242420 ', 'card_number')).toEqual([]);
      expect(found('a4242424242424242', 'card_number')).toEqual([]);
      expect(found('0.4242424242424242', 'card_number')).toEqual([]);
      expect(found('at 1700000000004 ms', 'card_number')).toEqual([]);
      expect(found('call +1 555 123 4567 or 555-123-4567', 'card_number')).toEqual([]);
    });
  });

  describe('ssn', () => {
    it('finds printed SSNs', () => {
      expect(found('ssn 123-45-6789.', 'ssn')).toEqual(['123-45-6789']);
      expect(found('ssn: 123 45 6789', 'ssn')).toEqual(['123 45 6789']);
    });

    it('ignores numbers the SSA never issues, phone numbers and bare digit runs', () => {
      for (const text of ['000-12-3456', '666-12-3456', '900-12-3456', '123-00-6789', '123-45-0000']) {
        expect(found(text, 'ssn')).toEqual([]);
      }
      expect(found('555-123-4567', 'ssn')).toEqual([]);
      expect(found('id 123456789', 'ssn')).toEqual([]);
      expect(found('1-123-45-6789', 'ssn')).toEqual([]);
      expect(found('123-45-6789-0', 'ssn')).toEqual([]);
    });
  });

  describe('email', () => {
    it('finds addresses', () => {
      expect(found('mail <a.b+tag@mail.example.co.uk>.', 'email')).toEqual(['a.b+tag@mail.example.co.uk']);
    });

    it('ignores handles and local hosts', () => {
      expect(found('@alice and root@localhost', 'email')).toEqual([]);
    });
  });

  describe('bearer', () => {
    it('hides only the credential', () => {
      expect(found('Authorization: Bearer abc123.def-456', 'bearer')).toEqual(['abc123.def-456']);
      expect(found('authorization: bearer dGhpcyBpcyBhIHRva2Vu==', 'bearer')).toEqual([
        'dGhpcyBpcyBhIHRva2Vu==',
      ]);
    });

    it('ignores plain words', () => {
      expect(found('the bearer of bad news', 'bearer')).toEqual([]);
      expect(found('send a Bearer token', 'bearer')).toEqual([]);
    });
  });

  describe('basic', () => {
    it('hides only the credential when it decodes to user-id:password', () => {
      expect(found('Authorization: Basic dXNlcjpwYXNz', 'basic')).toEqual(['dXNlcjpwYXNz']);
      expect(found('basic YWxpY2U6aHVudGVyMg== sent', 'basic')).toEqual(['YWxpY2U6aHVudGVyMg==']);
      expect(found('h=BASIC\tYTpi', 'basic')).toEqual(['YTpi']);
      expect(redactString('Basic dXNlcjpwYXNz')).toBe('Basic [REDACTED:basic]');
    });

    it('ignores prose and base64 that is not a user-id:password pair', () => {
      expect(found('Basic setup is easy', 'basic')).toEqual([]);
      expect(found('use basic auth', 'basic')).toEqual([]);
      expect(found('Basic dGhpcyBpcyBhIHRva2Vu', 'basic')).toEqual([]);
      expect(found('Basic information', 'basic')).toEqual([]);
      expect(found('Basic AAAAOgAA', 'basic')).toEqual([]);
    });
  });

  describe('private_key', () => {
    it('finds PEM private keys of any kind, including truncated ones', () => {
      for (const label of ['', 'RSA ', 'EC ', 'ENCRYPTED ', 'OPENSSH ']) {
        const pem = `-----BEGIN ${label}PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0=\n-----END ${label}PRIVATE KEY-----`;
        expect(found(`key:\n${pem}\nrest`, 'private_key')).toEqual([pem]);
      }
      expect(found('x -----BEGIN PRIVATE KEY-----\nMIIEvQIBAD', 'private_key')).toEqual([
        '-----BEGIN PRIVATE KEY-----\nMIIEvQIBAD',
      ]);
    });

    it('ignores public keys and certificates', () => {
      expect(found('-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----', 'private_key')).toEqual([]);
    });
  });
});

describe('mayHoldSecret', () => {
  it('is false only for text in which no detector finds anything', () => {
    const share = `srs1-1-2-${randomBytes(41).toString('base64url').slice(0, 55)}-${randomBytes(4).toString('hex')}`;
    const secrets = [
      JWT,
      JWE,
      generateOpaqueToken('srk'),
      share,
      'Bearer abc123def',
      '4242424242424242',
      '078-05-1120',
    ];
    for (const secret of secrets) {
      expect(mayHoldSecret(`x ${secret} y`)).toBe(true);
    }
    const pieces = fc.constantFrom(
      ...secrets,
      'a',
      'B',
      '1',
      '-',
      '.',
      '_',
      '@',
      ' ',
      'eyJ',
      'srk_',
      'srs1-',
      '\n',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        // Each detector's own scan, without any hint: what the pre-test must never hide.
        if (!mayHoldSecret(text)) expect(DETECTORS.flatMap((detector) => detector.find(text))).toEqual([]);
      }),
    );
    expect(mayHoldSecret('request completed')).toBe(false);
    expect(mayHoldSecret('/v1/me')).toBe(false);
  });
});

describe('findSecrets', () => {
  it('leaves ordinary identifiers alone', () => {
    const text =
      'id 3fa85f64-5717-4562-b3fc-2c963f66afa6 at 2024-01-15T10:30:00.000Z version 1.2.3-beta.4 v10.20.30 ' +
      'count 1234567890 ts 1700000000004 ns 1700000000000000004 sha e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(findSecrets(text)).toEqual([]);
  });

  it('returns sorted spans with the most specific detector named', () => {
    const key = generateOpaqueToken('srk');
    const text = `Bearer ${JWT} then ${key} and 4242424242424242`;
    expect(findSecrets(text).map((m) => m.detector)).toEqual(['jwt', 'strongroom_token', 'card_number']);
  });

  it('merges overlapping spans so no part of either is left out', () => {
    const text = 'Bearer 4242424242424242-x';
    const [match, ...rest] = findSecrets(text);
    expect(rest).toEqual([]);
    expect(match).toEqual({ detector: 'bearer', start: 7, end: text.length });
  });

  it('can run a subset of detectors', () => {
    const emailOnly = DETECTORS.filter((d) => d.name === 'email');
    expect(findSecrets('a@example.com 4242424242424242', emailOnly)).toEqual([
      { detector: 'email', start: 0, end: 13 },
    ]);
  });

  it('runs in linear time on hostile input', () => {
    const hostile = [
      'a'.repeat(200_000),
      'a@'.repeat(100_000),
      `a@${'b.'.repeat(100_000)}1`,
      `${'1 '.repeat(100_000)}x`,
      `${'1-'.repeat(100_000)}`,
      `eyJ${'a.'.repeat(100_000)}`,
      '-----BEGIN PRIVATE KEY-----'.repeat(10_000),
      'Bearer '.repeat(30_000),
      'Basic '.repeat(30_000),
      `Basic ${'YTpi'.repeat(50_000)}`,
      `${'123-45-'.repeat(30_000)}6789`,
      'srk_'.repeat(50_000),
      // Decoys by the thousand: every candidate overlaps the next, so an overlapping scan must stay bounded.
      `${`srk_${'A'.repeat(46)}`.repeat(4_000)}`,
      `${'eyJ'.repeat(60_000)}.a.b`,
      `${'eyJhbGciOiJub25lIn0.'.repeat(10_000)}x.y`,
      `${'-----BEGIN PRIVATE KEY-----\n'.repeat(5_000)}-----END PRIVATE KEY-----`,
      `${'-----BEGIN A PRIVATE KEY-----\n'.repeat(2_000)}${'-----END A PRIVATE KEY-----'.repeat(2_000)}`,
      'Bearer Bearer x '.repeat(20_000),
      '4242 '.repeat(50_000),
      '4242-4242-4242-4242 '.repeat(10_000),
      '123-45-6789 '.repeat(20_000),
      `srs1-1-2-${'srs1-1-2-'.repeat(20_000)}`,
    ];
    const started = performance.now();
    for (const text of hostile) findSecrets(text);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
