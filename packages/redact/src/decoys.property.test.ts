import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOpaqueToken } from '../test/opaque-tokens.js';
import { secretInTextArb } from '../test/secret-arbitraries.js';
import { findEachSecret, findSecrets, type SecretMatch } from './detectors.js';
import { decodePercent } from './percent-decode.js';
import { redactString, redactValue } from './redact-value.js';
import { inspectUrl, sanitizeUrl } from './url-guard.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

/** True when the spans cover every character from `start` to `end`. */
function covers(spans: readonly SecretMatch[], start: number, end: number): boolean {
  let reached = start;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start <= reached && span.end > reached) reached = span.end;
  }
  return reached >= end;
}

const RUNS = { numRuns: 3_000 };

describe('no decoy hides a secret', () => {
  it.each([
    ['a fake srk_ prefix ending where the real key starts', `srk_${'A'.repeat(46)}${makeOpaqueToken('srk')}`],
    ['a fake eyJ segment', `eyJfake.${JWT}`],
    ['a fake eyJ segment glued to the header', `eyJfake${JWT}`],
    ['a valid header before a real token', `eyJhbGciOiJub25lIn0.${JWT}`],
    ['a repeated scheme name', 'Authorization: Bearer Bearer abcdef123456'],
    ['a 4-digit group before a printed card', 'pan 2006 4242 4242 4242 4242'],
    ['digits before a printed SSN with another separator', 'room 12 123-45-6789'],
    ['a scheme name glued to an identifier', 'HTTP_AUTHORIZATION_Bearer abcdef123456'],
  ])('finds the secret behind %s', (_name, text) => {
    const secret = text.includes(JWT)
      ? JWT
      : (text.match(/srk_\w{49}$|abcdef123456|4242 4242 4242 4242|123-45-6789/)?.[0] ?? '');
    const start = text.lastIndexOf(secret);
    expect(covers(findSecrets(text), start, start + secret.length)).toBe(true);
    expect(redactString(text)).not.toContain(secret);
  });

  it('holds for random text and decoys around a real secret of every kind (redactor)', () => {
    fc.assert(
      fc.property(secretInTextArb, ({ secret, text, start, end }) => {
        expect(covers(findSecrets(text), start, end)).toBe(true);
        expect(covers(findEachSecret(text), start, end)).toBe(true);
        expect(redactString(text)).not.toContain(secret.secretPart);
        // What the logger runs on every logged object: values and keys alike.
        expect(JSON.stringify(redactValue({ note: text, [text]: 1 }))).not.toContain(secret.secretPart);
      }),
      RUNS,
    );
  });

  it('holds for random text and decoys around a real secret of every kind (URL guard)', () => {
    fc.assert(
      fc.property(
        secretInTextArb.filter(({ secret }) => secret.kind !== 'email'),
        ({ secret, text }) => {
          const encoded = encodeURIComponent(text);
          for (const url of [`/v1/x?q=${encoded}`, `/v1/records/${encoded}`, `/v1/x?${encoded}=1`]) {
            expect(inspectUrl(url).ok).toBe(false);
            expect(decodePercent(sanitizeUrl(url))).not.toContain(secret.secretPart);
          }
        },
      ),
      RUNS,
    );
  });
});
