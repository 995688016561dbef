import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, checkpointKeyId, signCheckpoint, verifyCheckpoint } from './checkpoint.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const claim = { seq: 42, hash: 'ab'.repeat(32), time: '2026-01-02T03:04:05Z' };

function flipSignatureBit(checkpoint: Checkpoint): Checkpoint {
  const bytes = Buffer.from(checkpoint.signature, 'base64url');
  bytes[10] = (bytes[10] ?? 0) ^ 1;
  return { ...checkpoint, signature: bytes.toString('base64url') };
}

describe('checkpoints', () => {
  it('round-trips and names the key by its RFC 7638 thumbprint', async () => {
    const checkpoint = signCheckpoint(privateKey, claim);
    expect(checkpoint).toMatchObject(claim);
    expect(checkpoint.kid).toBe(await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as JWK));
    expect(checkpointKeyId(publicKey)).toBe(checkpoint.kid);
    expect(Buffer.from(checkpoint.signature, 'base64url')).toHaveLength(64);
    expect(verifyCheckpoint(publicKey, checkpoint)).toBe(true);
  });

  it('fails when any signed field or the signature changes', () => {
    const checkpoint = signCheckpoint(privateKey, claim);
    const tampered: Checkpoint[] = [
      { ...checkpoint, seq: 43 },
      { ...checkpoint, hash: 'ac'.repeat(32) },
      { ...checkpoint, time: '2026-01-02T03:04:06Z' },
      { ...checkpoint, kid: checkpointKeyId(other.publicKey) },
      flipSignatureBit(checkpoint),
      { ...checkpoint, signature: '' },
      { ...checkpoint, signature: `${checkpoint.signature}=` },
    ];
    for (const bad of tampered) expect(verifyCheckpoint(publicKey, bad)).toBe(false);
  });

  it('fails with the wrong key or a key of another type', () => {
    const checkpoint = signCheckpoint(privateKey, claim);
    expect(verifyCheckpoint(other.publicKey, checkpoint)).toBe(false);
    expect(verifyCheckpoint(other.publicKey, { ...checkpoint, kid: checkpointKeyId(other.publicKey) })).toBe(
      false,
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(verifyCheckpoint(ec.publicKey, checkpoint)).toBe(false);
    expect(() => signCheckpoint(ec.privateKey, claim)).toThrow(TypeError);
    expect(() => signCheckpoint(publicKey, claim)).toThrow(TypeError);
  });

  it('refuses malformed claims', () => {
    expect(() => signCheckpoint(privateKey, { ...claim, seq: 0 })).toThrow(TypeError);
    expect(() => signCheckpoint(privateKey, { ...claim, hash: 'xyz' })).toThrow(TypeError);
    expect(() => signCheckpoint(privateKey, { ...claim, time: 'yesterday' })).toThrow(TypeError);
  });
});
