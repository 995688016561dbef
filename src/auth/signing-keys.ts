/**
 * Ed25519 keys that sign access tokens. Lifecycle: active (signs, published) → retired (no longer signs, still
 * published until every token it signed has expired) → dropped from the JWKS and ignored.
 * Invariants: private keys are stored only sealed with the root key (AAD = kid) and live in memory as KeyObjects;
 * the JWKS carries public parameters only; a kid is the RFC 7638 thumbprint of its public key.
 * Threats addressed: token forgery with a leaked database dump (keys are sealed), long-lived key compromise (rotation).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { open, type RootKey, seal } from '../crypto/index.js';
import { AppError } from '../errors.js';
import { decodePublicJwk, type SigningKeyStore } from '../storage/index.js';

interface LoadedKey {
  kid: string;
  publicKey: KeyObject;
  publicJwk: JWK;
  createdAt: number;
  retiredAt: number | null;
}

export interface SigningKeyring {
  /** Loads keys from storage; creates the first key, or rotates when the active one is older than the rotation period. */
  refresh(): Promise<void>;
  /** Creates a new active key and retires the previous one. */
  rotate(): Promise<string>;
  /** The active key; throws SIGNING_KEY_NOT_LOADED before the first `refresh()`. */
  current(): { kid: string; privateKey: KeyObject };
  publicKey(kid: string): KeyObject | undefined;
  /**
   * Like `publicKey`, but on a miss reloads from storage (another node may have rotated) at most once per
   * `reloadIntervalMs`, so tokens with made-up kids cannot turn into a database load.
   */
  findPublicKey(kid: string): Promise<KeyObject | undefined>;
  jwks(): { keys: JWK[] };
}

/** Public keys the JWKS publishes at most. */
export const MAX_PUBLISHED_KEYS = 16;

/** The AAD of signing key `kid`'s private key sealed with the root key. */
export const signingKeyAad = (kid: string) => `signing-key:${kid}`;

export function createSigningKeyring(deps: {
  store: Pick<SigningKeyStore, 'insert' | 'listUsable' | 'retireAllExcept'>;
  /** Seals the private keys; read at each use, so a sealed vault cannot sign. */
  rootKey: Pick<RootKey, 'get'>;
  clock: () => number;
  accessTokenTtlSeconds: number;
  rotationSeconds: number;
  reloadIntervalMs?: number;
}): SigningKeyring {
  const reloadIntervalMs = deps.reloadIntervalMs ?? 5000;
  let lastReload = Number.NEGATIVE_INFINITY;
  let keys: LoadedKey[] = [];
  let active: { kid: string; privateKey: KeyObject; createdAt: number } | null = null;
  // Tokens live at most their TTL; a minute more covers clock skew between nodes.
  const graceMs = (deps.accessTokenTtlSeconds + 60) * 1000;

  async function createKey(): Promise<string> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const now = deps.clock();
    await deps.store.insert({
      kid,
      publicJwk: JSON.stringify({ ...publicJwk, kid, alg: 'EdDSA', use: 'sig' }),
      privateKeySealed: seal(deps.rootKey.get(), der, signingKeyAad(kid)),
      createdAt: now,
      retiredAt: null,
    });
    await deps.store.retireAllExcept(kid, now);
    return kid;
  }

  async function load(): Promise<void> {
    const rows = await deps.store.listUsable(deps.clock() - graceMs);
    keys = rows.map((row) => {
      const publicJwk = decodePublicJwk('signing_keys.public_jwk', row.publicJwk) as JWK;
      return {
        kid: row.kid,
        publicKey: createPublicKey({ key: publicJwk as never, format: 'jwk' }),
        publicJwk,
        createdAt: row.createdAt,
        retiredAt: row.retiredAt,
      };
    });
    const newest = rows.find((row) => row.retiredAt === null);
    if (newest === undefined) {
      active = null;
      return;
    }
    if (active?.kid !== newest.kid) {
      const der = open(deps.rootKey.get(), newest.privateKeySealed, signingKeyAad(newest.kid));
      active = {
        kid: newest.kid,
        privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
        createdAt: newest.createdAt,
      };
    }
  }

  return {
    async refresh() {
      await load();
      if (active === null || deps.clock() - active.createdAt >= deps.rotationSeconds * 1000) {
        await createKey();
        await load();
      }
    },
    async rotate() {
      const kid = await createKey();
      await load();
      return kid;
    },
    current() {
      if (active === null) {
        throw new AppError('SIGNING_KEY_NOT_LOADED', {
          message: 'no active signing key; call refresh() first',
        });
      }
      return { kid: active.kid, privateKey: active.privateKey };
    },
    publicKey(kid) {
      return keys.find((k) => k.kid === kid)?.publicKey;
    },
    async findPublicKey(kid) {
      const known = keys.find((k) => k.kid === kid)?.publicKey;
      if (known !== undefined || deps.clock() - lastReload < reloadIntervalMs) return known;
      lastReload = deps.clock();
      await load();
      return keys.find((k) => k.kid === kid)?.publicKey;
    },
    jwks() {
      // Bounded for verifiers and the published document: the active key and the newest retired ones (a verifier
      // only needs those whose tokens can still be live; more than this means rotations faster than the TTL).
      const newest = [...keys].sort((a, b) => b.createdAt - a.createdAt).slice(0, MAX_PUBLISHED_KEYS);
      return { keys: newest.map((k) => k.publicJwk) };
    },
  };
}
