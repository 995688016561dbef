/**
 * Signed checkpoints: an Ed25519 signature over (seq, head hash, time, key id) of the audit chain.
 * A verifier holding the public key can then tell that the chain still reaches `seq` with that exact hash,
 * which catches truncation and wholesale rebuilding of the (unkeyed) hash chain.
 *
 * Signed message: "strongroom-audit-checkpoint-v1" || 0x00 || canonicalJson({ hash, kid, seq, time }).
 * Signature: Ed25519 (`sign(null, message, key)`), base64url. kid: RFC 7638 JWK thumbprint of the public key,
 * the same key ids the access-token keyring uses.
 * Invariants: only Ed25519 keys are accepted; a checkpoint whose kid does not match the verifying key fails.
 * Threats addressed: an attacker with write access to the log store but not the signing key. Not addressed:
 * events appended after the newest checkpoint can still be dropped; key custody is the caller's concern
 * (lifecycle as for signing keys: active → retired but still verifying → destroyed).
 */
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { isHexHash } from './hash-chain.js';

export interface CheckpointClaim {
  seq: number;
  hash: string;
  time: string;
}

export interface Checkpoint extends CheckpointClaim {
  kid: string;
  signature: string;
}

const DOMAIN = Buffer.from('strongroom-audit-checkpoint-v1\u0000', 'utf8');
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Signs a checkpoint of the chain head with an Ed25519 private key. */
export function signCheckpoint(privateKey: KeyObject, claim: CheckpointClaim): Checkpoint {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('checkpoint key must be an Ed25519 private key');
  }
  if (!isClaim(claim)) throw new TypeError('invalid checkpoint claim');
  const { seq, hash, time } = claim;
  const kid = checkpointKeyId(createPublicKey(privateKey));
  const signature = sign(null, checkpointMessage({ seq, hash, time, kid }), privateKey).toString('base64url');
  return { seq, hash, time, kid, signature };
}

/** True when `checkpoint` is well formed, names `publicKey`, and its signature verifies. */
export function verifyCheckpoint(publicKey: KeyObject, checkpoint: Checkpoint): boolean {
  if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') return false;
  if (!isClaim(checkpoint) || typeof checkpoint.signature !== 'string') return false;
  if (!BASE64URL.test(checkpoint.signature) || checkpoint.kid !== checkpointKeyId(publicKey)) return false;
  const { seq, hash, time, kid } = checkpoint;
  const signature = Buffer.from(checkpoint.signature, 'base64url');
  // Re-encoding must round-trip, so only one spelling of a signature is ever valid.
  if (signature.toString('base64url') !== checkpoint.signature) return false;
  return verify(null, checkpointMessage({ seq, hash, time, kid }), publicKey, signature);
}

/** RFC 7638 thumbprint (base64url SHA-256) of an Ed25519 public key. */
export function checkpointKeyId(publicKey: KeyObject): string {
  const { x } = publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new TypeError('not an Ed25519 public key');
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}

function checkpointMessage(fields: CheckpointClaim & { kid: string }): Buffer {
  return Buffer.concat([DOMAIN, Buffer.from(canonicalJson(fields), 'utf8')]);
}

function isClaim(value: unknown): value is CheckpointClaim {
  if (typeof value !== 'object' || value === null) return false;
  const { seq, hash, time } = value as Partial<CheckpointClaim>;
  return (
    typeof seq === 'number' &&
    Number.isSafeInteger(seq) &&
    seq >= 1 &&
    isHexHash(hash) &&
    typeof time === 'string' &&
    !Number.isNaN(Date.parse(time))
  );
}
