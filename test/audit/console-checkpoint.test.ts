/**
 * The console's audit checks (packages/console/src/lib/audit-chain.ts) against the server's own code: a
 * checkpoint signed by src/audit/checkpoint.ts verifies in WebCrypto with the JWK the API publishes, a changed
 * field or signature does not; broken links and gaps are found at their seq.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkCheckpoints,
  checkLinks,
  verifyCheckpoint,
} from '../../packages/console/src/lib/audit-chain.js';
import { checkpointKeyId, signCheckpoint } from '../../src/audit/checkpoint.js';
import { GENESIS_HASH } from '../../src/audit/hash-chain.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const jwk = publicKey.export({ format: 'jwk' }) as { x: string };
const keys = [{ kty: 'OKP' as const, crv: 'Ed25519' as const, x: jwk.x, kid: checkpointKeyId(publicKey) }];
const hex = (n: number) => n.toString(16).padStart(64, '0');

/** Events 1..n linked from the genesis hash (the hashes are stand-ins: only the links are checked here). */
function chain(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    prev_hash: i === 0 ? GENESIS_HASH : hex(i),
    hash: hex(i + 1),
  }));
}

describe('checkpoints verified in the console', () => {
  const signed = signCheckpoint(privateKey, { seq: 3, hash: hex(3), time: '2026-12-07T10:00:00.000Z' });

  it('accepts a checkpoint the server signed, under the published key', async () => {
    expect(await verifyCheckpoint(signed, keys)).toBe(true);
  });

  it('refuses a changed seq, hash, time or signature, and an unknown kid', async () => {
    expect(await verifyCheckpoint({ ...signed, seq: 4 }, keys)).toBe(false);
    expect(await verifyCheckpoint({ ...signed, hash: hex(9) }, keys)).toBe(false);
    expect(await verifyCheckpoint({ ...signed, time: '2026-12-07T10:00:01.000Z' }, keys)).toBe(false);
    const flipped = `${signed.signature.slice(0, -2)}${signed.signature.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(await verifyCheckpoint({ ...signed, signature: flipped }, keys)).toBe(false);
    expect(await verifyCheckpoint({ ...signed, kid: 'other' }, keys)).toBe(false);
    expect(await verifyCheckpoint({ ...signed, signature: 'not base64url!' }, keys)).toBe(false);
  });

  it('compares a checkpoint with the event at its seq', async () => {
    const events = chain(5);
    expect(await checkCheckpoints([signed], keys, events)).toEqual({
      verified: 1,
      badSignatures: [],
      mismatched: [],
      matched: 1,
    });
    const other = events.map((e) => (e.seq === 3 ? { ...e, hash: hex(42) } : e));
    expect((await checkCheckpoints([signed], keys, other)).mismatched).toEqual([3]);
  });
});

describe('links checked in the console', () => {
  const anchor = { seq: 0, hash: GENESIS_HASH };

  it('passes an unbroken chain from the anchor', () => {
    expect(checkLinks(chain(4), anchor)).toEqual({ ok: true, count: 4, first: 1, last: 4 });
    expect(checkLinks([], anchor)).toEqual({ ok: true, count: 0, first: null, last: null });
    expect(checkLinks(chain(4).slice(2), { seq: 2, hash: hex(2) })).toMatchObject({ ok: true, first: 3 });
  });

  it('names the seq of a broken link or of the first missing event', () => {
    const events = chain(5);
    expect(
      checkLinks(
        events.map((e) => (e.seq === 4 ? { ...e, prev_hash: hex(7) } : e)),
        anchor,
      ),
    ).toEqual({
      ok: false,
      seq: 4,
      problem: 'link',
    });
    expect(
      checkLinks(
        events.filter((e) => e.seq !== 3),
        anchor,
      ),
    ).toEqual({ ok: false, seq: 3, problem: 'gap' });
    expect(checkLinks(events, { seq: 1, hash: hex(1) })).toEqual({ ok: false, seq: 2, problem: 'gap' });
  });
});
