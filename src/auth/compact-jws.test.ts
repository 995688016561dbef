import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { signCompactEd25519 } from './compact-jws.js';

// RFC 8037 Appendix A.1 (the key) and A.4 (its signature over "Example of Ed25519 signing" with {"alg":"EdDSA"}).
const RFC_JWK = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
};
const RFC_JWS =
  'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';

describe('signCompactEd25519', () => {
  it('produces the RFC 8037 A.4 JWS byte for byte', () => {
    const key = createPrivateKey({ key: RFC_JWK, format: 'jwk' });
    expect(signCompactEd25519({ alg: 'EdDSA' }, 'Example of Ed25519 signing', key)).toBe(RFC_JWS);
  });

  it('round-trips through jose with the algorithm pinned, for any header and payload', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue(), { maxKeys: 4 }),
        fc.uint8Array({ maxLength: 300 }),
        async (header, payload) => {
          const jws = signCompactEd25519(header, payload, privateKey);
          const verified = await compactVerify(jws, publicKey, { algorithms: ['EdDSA'] });
          expect(Buffer.from(verified.payload).equals(Buffer.from(payload))).toBe(true);
          expect(verified.protectedHeader.alg).toBe('EdDSA');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('always says alg EdDSA, whatever the header asks for', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    for (const alg of ['none', 'HS256', 'RS256', 'EdDSA']) {
      expect(decodeProtectedHeader(signCompactEd25519({ alg, kid: 'k' }, 'x', privateKey))).toEqual({
        alg: 'EdDSA',
        kid: 'k',
      });
    }
  });

  it('fails verification when any byte of a segment is changed', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const jws = signCompactEd25519({ kid: 'k' }, '{"sub":"a"}', privateKey);
    const [header = '', payload = '', signature = ''] = jws.split('.');
    const flip = (segment: string) => {
      const bytes = Buffer.from(segment, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64url');
    };
    for (const tampered of [
      `${flip(header)}.${payload}.${signature}`,
      `${header}.${flip(payload)}.${signature}`,
      `${header}.${payload}.${flip(signature)}`,
    ]) {
      await expect(compactVerify(tampered, publicKey, { algorithms: ['EdDSA'] })).rejects.toThrow();
    }
  });

  it('refuses any key that is not an Ed25519 private key, before signing', () => {
    const ed25519 = generateKeyPairSync('ed25519');
    const others = [
      ed25519.publicKey,
      createPublicKey(ed25519.privateKey),
      generateKeyPairSync('ed448').privateKey,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    ];
    for (const key of others) expect(() => signCompactEd25519({}, 'x', key)).toThrow(/Ed25519 private key/);
  });
});
