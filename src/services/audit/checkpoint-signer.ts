/**
 * The Ed25519 key that signs audit checkpoints, and signing with it.
 * Lifecycle: created once (by the first node to start unsealed), active while it is the newest key; a later key
 * would retire it (still verifying the checkpoints it signed); destroyed never, since old checkpoints must stay
 * verifiable off the host. Only one key exists until rotation is built.
 * Invariants: the private key is stored only sealed with the root key (AES-256-GCM, AAD binds the kid) and lives
 * in memory as a KeyObject once unsealed; the public key is exported as a JWK so checkpoints can be verified
 * with no access to the root key (`strongroom audit verify` reads it from the database or an exported file).
 * Threats addressed: forging checkpoints with a database dump (the key is sealed). Not addressed: a host
 * compromise while unsealed (checkpoints exported off the host before then stay trustworthy).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type Checkpoint, checkpointKeyId, signCheckpoint } from '../../audit/index.js';
import { open, type RootKey, seal } from '../../crypto/index.js';
import { AppError } from '../../errors.js';
import type { AuditStore } from '../../storage/index.js';

export interface CheckpointPublicKey {
  kid: string;
  jwk: { kty: string; crv: string; x: string; kid: string };
}

/** The AAD of audit checkpoint key `kid`'s private key sealed with the root key. */
export const checkpointKeyAad = (kid: string) => `strongroom-audit-checkpoint-key:${kid}`;

/** The public key as an OKP JWK with its kid. */
export function toPublicJwk(publicKey: KeyObject): CheckpointPublicKey['jwk'] {
  const { x } = publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new TypeError('not an Ed25519 public key');
  return { kty: 'OKP', crv: 'Ed25519', x, kid: checkpointKeyId(publicKey) };
}

/** An Ed25519 public key from an exported JWK; throws TypeError for anything else. */
export function fromPublicJwk(jwk: unknown): KeyObject {
  const { kty, crv, x } = (jwk ?? {}) as Record<string, unknown>;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string') throw new TypeError('not an Ed25519 JWK');
  return createPublicKey({ key: { kty, crv, x }, format: 'jwk' });
}

export function createCheckpointSigner(deps: {
  store: Pick<AuditStore, 'insertSigningKey' | 'listSigningKeys'>;
  rootKey: Pick<RootKey, 'get'>;
  clock: () => number;
}) {
  let active: { kid: string; privateKey: KeyObject } | null = null;

  async function loadNewest(): Promise<boolean> {
    const keys = await deps.store.listSigningKeys();
    const newest = keys.at(-1);
    if (newest === undefined) return false;
    const der = open(deps.rootKey.get(), newest.privateKeySealed, checkpointKeyAad(newest.kid));
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    if (checkpointKeyId(createPublicKey(privateKey)) !== newest.kid)
      throw new AppError('AUDIT_CHECKPOINT_KEY_MISMATCH', { message: 'audit signing key mismatch' });
    active = { kid: newest.kid, privateKey };
    return true;
  }

  return {
    /** Opens the newest signing key, creating the first one if there is none (needs the root key). */
    async init(): Promise<void> {
      if (await loadNewest()) return;
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const kid = checkpointKeyId(publicKey);
      const der = privateKey.export({ format: 'der', type: 'pkcs8' });
      await deps.store.insertSigningKey({
        kid,
        publicJwk: JSON.stringify(toPublicJwk(publicKey)),
        privateKeySealed: seal(deps.rootKey.get(), der, checkpointKeyAad(kid)),
        createdAt: deps.clock(),
      });
      // Another node may have created a key at the same moment: every node signs with the newest (ties by kid).
      await loadNewest();
    },
    isReady: () => active !== null,
    /** Signs the chain head; throws SEALED when the key is not loaded (it is loaded by `init`, once unsealed). */
    sign(head: { seq: number; hash: string }): Checkpoint {
      if (active === null) throw new AppError('SEALED');
      return signCheckpoint(active.privateKey, { ...head, time: new Date(deps.clock()).toISOString() });
    },
  };
}

export type CheckpointSigner = ReturnType<typeof createCheckpointSigner>;
