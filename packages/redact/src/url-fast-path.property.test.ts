/**
 * The fast path of `inspectUrl` (a short path of letters, digits, `/` and `-`, answered without the full
 * inspection) must never accept what the full inspection refuses. The oracle: the same URL with an empty query
 * (`url + '?'`) never takes the fast path, and an empty query adds nothing to inspect, so both must get the same
 * verdict.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOpaqueToken } from '../test/opaque-tokens.js';
import { passesLuhn } from './luhn.js';
import { inspectUrl } from './url-guard.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PLAIN = /^\/[A-Za-z0-9/-]{0,127}$/;
const ALNUM_DASH = [...'abcXYZ0123456789-'];

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
/** A 16-digit number that passes Luhn, so the card detector takes it. */
const card = digits(15, 15).map((head) => {
  for (let check = 0; check < 10; check++) if (passesLuhn(`${head}${check}`)) return `${head}${check}`;
  return head;
});
const groupedCard = card.map((number) => number.replace(/(\d{4})(?=\d)/g, '$1-'));
const ssn = fc
  .tuple(fc.integer({ min: 1, max: 665 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
  .map(
    ([a, g, s]) =>
      `${String(a).padStart(3, '0')}-${String(g).padStart(2, '0')}-${String(s).padStart(4, '0')}`,
  );
const share = fc
  .tuple(
    fc.array(fc.constantFrom(...'ABCdef0189-'), { minLength: 55, maxLength: 55 }),
    fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 8, maxLength: 8 }),
  )
  .map(([body, check]) => `srs1-2-3-${body.join('')}-${check.join('')}`);
/** Segments the fast path's characters allow, secret-shaped ones included, and some it does not. */
const segment = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(fc.constantFrom(...ALNUM_DASH), { maxLength: 24 }).map((c) => c.join('')),
  },
  { weight: 2, arbitrary: digits(1, 20) },
  { weight: 2, arbitrary: card },
  { weight: 2, arbitrary: groupedCard },
  { weight: 2, arbitrary: ssn },
  { weight: 1, arbitrary: ssn.map((text) => text.replaceAll('-', '')) },
  { weight: 2, arbitrary: share },
  { weight: 1, arbitrary: fc.constant(JWT) },
  { weight: 1, arbitrary: fc.constant(null).map(() => makeOpaqueToken('srk')) },
  { weight: 1, arbitrary: fc.constantFrom('me', 'v1', 'orders', 'x;password=1', 'a%20b', 'srs1-', 'Bearer') },
);
const url = fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join('/')}`);

describe('the fast path of inspectUrl', () => {
  it('gives every URL the verdict of the full inspection', () => {
    let plain = 0;
    let plainRefused = 0;
    fc.assert(
      fc.property(url, (target) => {
        const full = inspectUrl(`${target}?`);
        expect(inspectUrl(target)).toEqual(full);
        if (PLAIN.test(target)) {
          plain++;
          if (!full.ok) plainRefused++;
        }
      }),
      { numRuns: 5_000 },
    );
    // The property must have reached the fast path's shape often, with secrets in it as well as without.
    expect(plain).toBeGreaterThan(500);
    expect(plainRefused).toBeGreaterThan(100);
  });

  it('has an oracle that adds nothing to inspect: an empty query is clean', () => {
    expect(inspectUrl('/v1/me?')).toEqual({ ok: true });
    expect(inspectUrl('/v1/x/4242-4242-4242-4242?')).toMatchObject({ ok: false, location: 'path:2' });
  });
});
