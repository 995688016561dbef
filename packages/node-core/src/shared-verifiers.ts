/**
 * One JWKS and one verified-token cache per Strongroom and token profile, shared by every authenticator of the
 * process that names the same `(url, ca, audience, issuer)` (and the same JWKS cooldown, timeout and cache size,
 * which shape them): an application with several `strongroomAuth` (one per scope, or per set of roles) fetches the
 * keys once and verifies each token once, not once per middleware.
 *
 * Invariants:
 * - sharing never widens what is accepted: everything a shared verifier's verdict depends on (the keys' origin and
 *   CA, the issuer and audience it checks) is part of the key, and each authenticator still checks the session and
 *   its own `roles` itself;
 * - an authenticator given its own `clock` (tests) gets a verifier of its own: the cache checks expiry on the
 *   clock it was created with;
 * - counted: the connections close, and the entry is forgotten, when the last authenticator sharing it closes;
 *   releasing twice counts once.
 */
import { hash } from 'node:crypto';
import { createRemoteJWKSet, customFetch } from 'jose';
import type { ResolvedAuthOptions } from './auth-options.js';
import { createHttpsClient, type HttpsClient } from './https-client.js';
import { createTokenVerifier, type TokenVerifier } from './token-verifier.js';

export interface SharedVerifier {
  readonly verifier: TokenVerifier;
  /** The keep-alive connections to this Strongroom (also used for introspection). */
  readonly https: HttpsClient;
  /** Gives this use back; the last one closes the connections. */
  release(): void;
}

interface Entry {
  readonly verifier: TokenVerifier;
  readonly https: HttpsClient;
  users: number;
}

const entries = new Map<string, Entry>();

/** The CA option as a digest: equal certificates give equal keys, whether strings or Buffers. */
export function caKey(ca: ResolvedAuthOptions['ca']): string {
  if (ca === undefined) return 'system';
  const list = Array.isArray(ca) ? ca : [ca];
  return list.map((pem) => hash('sha256', Buffer.from(pem as string | Buffer), 'base64url')).join(',');
}

function create(options: ResolvedAuthOptions): Entry {
  const https = createHttpsClient({
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    timeoutMs: options.timeoutMs,
  });
  const keys = createRemoteJWKSet(new URL('/.well-known/jwks.json', options.url), {
    [customFetch]: https.fetch,
    cooldownDuration: options.jwksCooldownMs,
    timeoutDuration: options.timeoutMs,
  });
  const verifier = createTokenVerifier({
    keys,
    issuer: options.issuer,
    audience: options.audience,
    clock: options.clock,
    maxCachedTokens: options.cacheSize,
  });
  return { verifier, https, users: 0 };
}

/** The verifier for these options: shared with every other authenticator that has the same key. */
export function acquireVerifier(options: ResolvedAuthOptions, ownClock: boolean): SharedVerifier {
  const key = ownClock
    ? undefined
    : JSON.stringify([
        options.url.href,
        caKey(options.ca),
        options.audience,
        options.issuer,
        options.jwksCooldownMs,
        options.timeoutMs,
        options.cacheSize,
      ]);
  let entry = key === undefined ? undefined : entries.get(key);
  if (entry === undefined) {
    entry = create(options);
    if (key !== undefined) entries.set(key, entry);
  }
  const held = entry;
  held.users++;
  let released = false;
  return {
    verifier: held.verifier,
    https: held.https,
    release() {
      if (released) return;
      released = true;
      held.users--;
      if (held.users > 0) return;
      held.https.close();
      if (key !== undefined && entries.get(key) === held) entries.delete(key);
    },
  };
}

/** How many shared verifiers are alive; for tests. */
export function sharedVerifierCount(): number {
  return entries.size;
}
