/**
 * The plain-HTTP revoker's detector: for random text and decoys around a real API key, refresh token or JWT in a
 * URL, the exact credential is among those collected for revocation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOpaqueToken } from '../../packages/redact/test/opaque-tokens.js';
import { BOUNDARIES, secretInTextArb } from '../../packages/redact/test/secret-arbitraries.js';
import { collectExposedCredentials, MAX_EXPOSED_CREDENTIALS } from '../../src/http/exposed-credentials.js';

// A JWT's last segment cannot be told from base64url text glued after it, nor from a `.` segment after it.
const tokenInText = secretInTextArb.filter(
  ({ secret, text, end }) =>
    secret.kind === 'strongroom_token' ||
    (secret.kind === 'jwt' && (end === text.length || BOUNDARIES.includes(text[end] ?? ''))),
);

describe('collectExposedCredentials', () => {
  it('collects every real token behind any decoy, exactly', () => {
    fc.assert(
      fc.property(tokenInText, ({ secret, text }) => {
        for (const url of [`/v1/x?q=${encodeURIComponent(text)}`, `/v1/x/${encodeURIComponent(text)}`]) {
          expect(collectExposedCredentials({}, url)).toContain(secret.text);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('puts checksummed tokens first, so JWT-shaped decoys cannot crowd out a real key', () => {
    const header = Buffer.from('{"alg":"none"}').toString('base64url');
    const decoys = Array.from({ length: MAX_EXPOSED_CREDENTIALS + 2 }, (_, i) => `${header}.e30.s${i}`);
    const key = makeOpaqueToken('srk');
    const found = collectExposedCredentials({}, `/v1/x?${decoys.map((d) => `a=${d}`).join('&')}&k=${key}`);
    expect(found).toHaveLength(MAX_EXPOSED_CREDENTIALS);
    expect(found[0]).toBe(key);
  });
});
