/**
 * Known answers for the signature scheme behind access tokens: RFC 8037 Appendix A.4 (Ed25519 JWS) through jose with
 * the algorithm pinned as the token verifier pins it, and Project Wycheproof Ed25519 vectors through node:crypto,
 * which jose uses underneath.
 */
import { createPublicKey, verify } from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadWycheproof } from '../../test/vectors/load-wycheproof.js';

describe('RFC 8037 A.4', () => {
  const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
  const jws =
    'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';

  it('verifies the published signature', async () => {
    const key = await importJWK(jwk, 'EdDSA');
    const { payload } = await compactVerify(jws, key, { algorithms: ['EdDSA'] });
    expect(new TextDecoder().decode(payload)).toBe('Example of Ed25519 signing');
  });

  it('rejects it with one signature bit flipped', async () => {
    const key = await importJWK(jwk, 'EdDSA');
    const [h, p, s] = jws.split('.');
    const sig = Buffer.from(s ?? '', 'base64url');
    sig[0] = (sig[0] ?? 0) ^ 1;
    await expect(
      compactVerify(`${h}.${p}.${sig.toString('base64url')}`, key, { algorithms: ['EdDSA'] }),
    ).rejects.toThrow();
  });
});

interface Ed25519Group {
  publicKey: { pk: string };
  tests: Array<{ tcId: number; msg: string; sig: string; result: string }>;
}

describe('Wycheproof Ed25519', () => {
  const groups = loadWycheproof<Ed25519Group>('ed25519_test.json').testGroups;
  const cases = groups.flatMap((g) => g.tests.map((t) => ({ ...t, pk: g.publicKey.pk })));

  it.each(cases.map((c) => [c.tcId, c] as const))('tcId %i', (_id, c) => {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(c.pk, 'hex').toString('base64url') },
      format: 'jwk',
    });
    let ok: boolean;
    try {
      ok = verify(null, Buffer.from(c.msg, 'hex'), key, Buffer.from(c.sig, 'hex'));
    } catch {
      ok = false;
    }
    expect(ok).toBe(c.result === 'valid');
  });
});
