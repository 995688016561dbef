/**
 * One session-confirmation cache per Strongroom and introspection key, shared by every authenticator of the
 * process that names the same `(url, ca, introspection key)` (and the same revocation window, timeout and cache
 * size, which shape it): an application with several `strongroomAuth` asks Strongroom once per session and
 * window, not once per middleware. The verified-token cache is shared the same way (shared-verifiers.ts).
 *
 * Invariants:
 * - a confirmation is shared only between authenticators that would have asked the same Strongroom (its URL and
 *   CA) with the same introspection key: the key holds the URL, a digest of the CA and a SHA-256 of the API key,
 *   never the API key itself; each authenticator still checks its own `roles` against the confirmed ones;
 * - an authenticator given its own `clock` (tests) gets a checker of its own: the window is measured on it;
 * - the checker asks over connections of its own, so closing the authenticator that created it closes nothing
 *   another still uses; counted: they close, and the entry is forgotten, when the last user releases it;
 *   releasing twice counts once.
 * Threats addressed: one application's confirmation answering for another's key (a revoked or narrower key, or
 *   another Strongroom) in the same process.
 */
import { hash } from 'node:crypto';
import type { ResolvedAuthOptions } from './auth-options.js';
import { createHttpsClient } from './https-client.js';
import { createIntrospectionClient, type IntrospectionAnswer } from './introspection-client.js';
import { createSessionChecker, type SessionChecker } from './session-checker.js';
import { caKey } from './shared-verifiers.js';

export interface SharedSessions {
  readonly checker: SessionChecker;
  /** Gives this use back; the last one closes the checker's connections. */
  release(): void;
}

/** How a checker reaches Strongroom's introspection endpoint; replaced in tests. */
export type IntrospectionConnector = (options: ResolvedAuthOptions) => {
  introspect(token: string): Promise<IntrospectionAnswer>;
  close(): void;
};

const connectOverHttps: IntrospectionConnector = (options) => {
  const https = createHttpsClient({
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    timeoutMs: options.timeoutMs,
  });
  const client = createIntrospectionClient({ url: options.url, apiKey: options.introspectionKey, https });
  return { introspect: client.introspect, close: () => https.close() };
};

interface Entry {
  readonly checker: SessionChecker;
  readonly close: () => void;
  users: number;
}

const entries = new Map<string, Entry>();

/** What two authenticators must have in common to share confirmations; never holds the API key itself. */
export function sessionCacheKey(options: ResolvedAuthOptions): string {
  return JSON.stringify([
    options.url.href,
    caKey(options.ca),
    hash('sha256', options.introspectionKey, 'base64url'),
    options.revocationWindowMs,
    options.timeoutMs,
    options.cacheSize,
  ]);
}

/** The session checker for these options: shared with every other authenticator that has the same key. */
export function acquireSessionChecker(
  options: ResolvedAuthOptions,
  ownClock: boolean,
  connect: IntrospectionConnector = connectOverHttps,
): SharedSessions {
  const key = ownClock ? undefined : sessionCacheKey(options);
  let entry = key === undefined ? undefined : entries.get(key);
  if (entry === undefined) {
    const connection = connect(options);
    const checker = createSessionChecker({
      introspect: connection.introspect,
      windowMs: options.revocationWindowMs,
      clock: options.clock,
      maxEntries: options.cacheSize,
    });
    entry = { checker, close: connection.close, users: 0 };
    if (key !== undefined) entries.set(key, entry);
  }
  const held = entry;
  held.users++;
  let released = false;
  return {
    checker: held.checker,
    release() {
      if (released) return;
      released = true;
      held.users--;
      if (held.users > 0) return;
      held.close();
      if (key !== undefined && entries.get(key) === held) entries.delete(key);
    },
  };
}

/** How many shared session checkers are alive; for tests. */
export function sharedSessionCheckerCount(): number {
  return entries.size;
}
