/**
 * Bounded LRU of access tokens whose signature and claims were already verified, so a repeat request skips the
 * ~0.2 ms Ed25519 check. Keys are SHA-256 of the token (no bearer secret is kept as a map key). Entries are dropped
 * at the token's `exp`, so expiry is honoured exactly; revocation is NOT cached: callers check the session on every
 * request.
 */
import { hash } from 'node:crypto';

/** What the server takes from a verified token: who and which session, and when. Never its `roles`. */
export interface VerifiedClaims {
  sub: string;
  sid: string;
  /** Seconds since the epoch. */
  iat: number;
  /** Seconds since the epoch. */
  exp: number;
}

export function createVerifiedTokenCache(options: {
  maxEntries: number;
  clock: () => number;
  /** Told of every lookup, hit or miss (the metrics' hit rate); never of the token. */
  onLookup?: (hit: boolean) => void;
}) {
  const entries = new Map<string, VerifiedClaims>();
  // One-shot hashing: no Hash object per request.
  const keyOf = (token: string) => hash('sha256', token, 'base64');

  return {
    get(token: string): VerifiedClaims | undefined {
      if (options.maxEntries === 0) return undefined;
      const key = keyOf(token);
      const hit = entries.get(key);
      if (hit === undefined) {
        options.onLookup?.(false);
        return undefined;
      }
      entries.delete(key);
      const live = hit.exp * 1000 > options.clock();
      options.onLookup?.(live);
      if (!live) return undefined;
      entries.set(key, hit);
      return hit;
    },
    set(token: string, claims: VerifiedClaims): void {
      if (options.maxEntries === 0) return;
      const key = keyOf(token);
      entries.delete(key);
      entries.set(key, claims);
      while (entries.size > options.maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    get size() {
      return entries.size;
    },
  };
}

export type VerifiedTokenCache = ReturnType<typeof createVerifiedTokenCache>;
