/**
 * Test helper: fast-check arbitraries for real secrets of every kind the detectors know, for decoys (text that
 * looks like the start of a secret and is not), and for the text around them. Property tests use them to check
 * that no prefix or suffix hides a secret from the redactor, the URL guard or the plain-HTTP revoker.
 */
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import type { DetectorName } from '../src/detectors.js';
import { passesLuhn } from '../src/luhn.js';
import {
  BASE62_ALPHABET,
  OPAQUE_TOKEN_BODY_LENGTH,
  opaqueTokenChecksum,
} from '../src/opaque-token-format.js';

export interface PlantedSecret {
  readonly kind: DetectorName;
  readonly text: string;
  /** The part of `text` that is the secret (a scheme credential without its scheme name); all of it by default. */
  readonly secretPart: string;
  /** A separator must stand between the secret and the text around it (its grammar says where it ends). */
  readonly needsBoundary: boolean;
  /** Characters that may not stand right before or after the secret, beyond those of every boundary. */
  readonly forbiddenBoundaries?: string;
}

const b64url = (value: string): string => Buffer.from(value).toString('base64url');
const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const BASE64URL = `${BASE62_ALPHABET}-_`;
const DIGITS = '0123456789';

/** Characters every detector reads as the end of a secret. */
export const BOUNDARIES = ' \t\n,;:"\'()<>[]{}|&?!*#\\^`';

export const opaqueTokenArb = fc
  .tuple(
    fc.constantFrom('srk', 'srr'),
    chars(BASE62_ALPHABET, OPAQUE_TOKEN_BODY_LENGTH, OPAQUE_TOKEN_BODY_LENGTH),
  )
  .map(([prefix, body]) => `${prefix}_${body}${opaqueTokenChecksum(`${prefix}_${body}`)}`);

const jwtHeaderArb = fc
  .record({ alg: fc.constantFrom('HS256', 'RS256', 'ES256', 'EdDSA', 'none'), kid: fc.option(fc.uuid()) })
  .map(({ alg, kid }) => b64url(JSON.stringify(kid === null ? { alg, typ: 'JWT' } : { alg, kid })));

export const jwtArb = fc
  .tuple(
    jwtHeaderArb,
    fc.record({ sub: fc.string({ maxLength: 20 }), exp: fc.nat() }).map((p) => b64url(JSON.stringify(p))),
    chars(BASE64URL, 1, 86),
  )
  .map(([header, payload, signature]) => `${header}.${payload}.${signature}`);

function withLuhnDigit(head: string): string {
  for (let d = 0; d <= 9; d++) if (passesLuhn(`${head}${d}`)) return `${head}${d}`;
  throw new Error('unreachable');
}

const cardDigitsArb = fc
  .tuple(fc.constantFrom(...'23456789'), chars(DIGITS, 11, 17))
  .map(([first, rest]) => withLuhnDigit(`${first}${rest}`));

export const cardNumberArb = fc.oneof(
  cardDigitsArb,
  fc
    .tuple(fc.constantFrom(...'23456789'), chars(DIGITS, 14, 14), fc.constantFrom(' ', '-'))
    .map(([first, rest, sep]) => withLuhnDigit(`${first}${rest}`).replace(/(\d{4})(?=\d)/g, `$1${sep}`)),
);

const ssnArb = fc
  .tuple(
    fc.integer({ min: 1, max: 899 }).filter((area) => area !== 666),
    fc.integer({ min: 1, max: 99 }),
    fc.integer({ min: 1, max: 9999 }),
    fc.constantFrom('-', ' '),
  )
  .map(([area, group, serial, sep]) =>
    [String(area).padStart(3, '0'), String(group).padStart(2, '0'), String(serial).padStart(4, '0')].join(
      sep,
    ),
  );

const shareArb = fc
  .tuple(chars(BASE64URL, 55, 55), chars('0123456789abcdef', 8, 8))
  .map(([body, check]) => `srs1-2-3-${body}-${check}`);

const pemArb = chars(`${BASE62_ALPHABET}+/=\n`, 4, 80).map(
  (body) => `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`,
);

const bearerArb = fc
  .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER'), chars(BASE64URL, 19, 60), fc.constantFrom(...DIGITS))
  .map(([scheme, token, digit]) => `${scheme} ${token}${digit}`);

const basicArb = fc
  .tuple(chars(BASE62_ALPHABET, 1, 12), chars(`${BASE62_ALPHABET}!$%`, 1, 20))
  .map(([user, password]) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`);

const emailArb = fc
  .tuple(chars(`${BASE62_ALPHABET}.`, 1, 12), chars('abcdefghij', 1, 10), fc.constantFrom('com', 'org', 'io'))
  .filter(([local]) => /^[A-Za-z0-9]/.test(local))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

const planted =
  (kind: DetectorName, needsBoundary: boolean, forbiddenBoundaries?: string) =>
  (text: string): PlantedSecret => {
    const secretPart = kind === 'bearer' || kind === 'basic' ? text.slice(text.indexOf(' ') + 1) : text;
    return forbiddenBoundaries === undefined
      ? { kind, text, secretPart, needsBoundary }
      : { kind, text, secretPart, needsBoundary, forbiddenBoundaries };
  };

/** One real secret of any kind. Cards, SSNs and scheme credentials end where their grammar says. */
export const plantedSecretArb: fc.Arbitrary<PlantedSecret> = fc.oneof(
  opaqueTokenArb.map(planted('strongroom_token', false)),
  jwtArb.map(planted('jwt', false)),
  shareArb.map(planted('shamir_share', false)),
  pemArb.map(planted('private_key', false)),
  cardNumberArb.map(planted('card_number', true)),
  // An SSN is not part of a longer run of digit groups joined by its own separator.
  ssnArb.map((ssn) => planted('ssn', true, ssn.includes(' ') ? ' ' : '')(ssn)),
  bearerArb.map(planted('bearer', true)),
  basicArb.map(planted('basic', true)),
  emailArb.map(planted('email', true)),
);

/** Text that starts like a secret and is not one: what a decoy placed before a real secret looks like. */
export const decoyArb: fc.Arbitrary<string> = fc.oneof(
  chars(BASE62_ALPHABET, 0, 52).map((body) => `srk_${body}`),
  chars(BASE62_ALPHABET, 0, 52).map((body) => `srr_${body}`),
  opaqueTokenArb.map((token) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`),
  chars(BASE64URL, 1, 30).map((junk) => `eyJ${junk}.`),
  chars(BASE64URL, 1, 30).map((junk) => `eyJ${junk}`),
  jwtHeaderArb.map((header) => `${header}.`),
  jwtArb.map((jwt) => `${jwt.slice(0, jwt.indexOf('.'))}x.`),
  fc.constantFrom(
    'Bearer ',
    'bearer Bearer ',
    'Basic ',
    'Basic Basic ',
    'Bearer x ',
    '-----BEGIN ',
    'srs1-1-2-',
  ),
  chars(`${DIGITS} -`, 1, 24),
  fc.constantFrom('4242 ', '1234 ', '12-', '0.', '1.5 ', '123-45-'),
  chars(BASE64URL, 1, 20),
  fc.string({ maxLength: 12 }),
);

/** Text around a secret: decoys and arbitrary text, in any order. */
export const surroundingArb: fc.Arbitrary<string> = fc
  .array(fc.oneof(decoyArb, fc.string({ maxLength: 16 })), { maxLength: 4 })
  .map((parts) => parts.join(''));

export interface SecretInText {
  readonly secret: PlantedSecret;
  readonly text: string;
  /** Where `secret.secretPart` lies in `text`. */
  readonly start: number;
  readonly end: number;
}

/** A real secret planted in surrounding text, with where it lies. */
export const secretInTextArb: fc.Arbitrary<SecretInText> = plantedSecretArb.chain((secret) => {
  const allowed = [...BOUNDARIES].filter((c) => !(secret.forbiddenBoundaries ?? '').includes(c));
  const boundary = secret.needsBoundary ? fc.constantFrom(...allowed) : fc.constantFrom('', ...allowed);
  return fc.tuple(surroundingArb, boundary, boundary, surroundingArb).map(([before, left, right, after]) => {
    const start = before.length + left.length + secret.text.length - secret.secretPart.length;
    return {
      secret,
      text: `${before}${left}${secret.text}${right}${after}`,
      start,
      end: start + secret.secretPart.length,
    };
  });
});
