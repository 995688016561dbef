/**
 * Brute-force throttling of password checks, per account and per client address (see state/attempt-store.ts for
 * the counting semantics). Each attempt is counted *before* the password is checked, so concurrent guesses cannot
 * slip past the limit; a success resets the account counter and gives the address its reservation back.
 * Refusals happen before any hashing.
 * Account keys are an HMAC of the case-folded username: an unknown username is throttled exactly like a real one
 * (no account enumeration), and the counters never hold usernames in clear.
 */
import { createHmac } from 'node:crypto';
import type { ThrottleConfig } from '../config.js';
import type { AttemptPolicy, AttemptStore } from '../state/index.js';
import { throttleAddressKey } from './address-prefix.js';

/**
 * `lockout` is true when the remaining block is longer than the longest delay of the policy that blocked (account
 * or address): only a lockout lasts that long. A lockout no longer than the maximum delay (when configured so), or
 * in its last `maxDelaySeconds`, is reported as a delay.
 */
export type ThrottleDecision =
  | { allowed: true }
  | { allowed: false; retryAfterSeconds: number; lockout: boolean };

/** The attempt-store policy of a throttle setting (also used by password-check-throttle.ts). */
export function toAttemptPolicy(config: ThrottleConfig): AttemptPolicy {
  return {
    freeAttempts: config.freeAttempts,
    lockoutAfter: config.lockoutAfter,
    baseDelayMs: config.baseDelaySeconds * 1000,
    maxDelayMs: config.maxDelaySeconds * 1000,
    lockoutMs: config.lockoutSeconds * 1000,
    // Failures are remembered this long after the last block ends.
    retentionMs: (config.lockoutSeconds + config.maxDelaySeconds) * 1000,
  };
}

export function createLoginThrottle(deps: {
  store: AttemptStore;
  account: ThrottleConfig;
  address: ThrottleConfig;
  /** Keys the account HMAC; read at each use (the root key may be sealed when the throttle is built). */
  hmacKey: () => Buffer;
  clock: () => number;
}) {
  const accountPolicy = toAttemptPolicy(deps.account);
  const addressPolicy = toAttemptPolicy(deps.address);
  const accountKey = (username: string) =>
    `acct:${createHmac('sha256', deps.hmacKey()).update(username.normalize('NFKC').toLowerCase()).digest('base64url')}`;
  const addressKey = (address: string) => `addr:${throttleAddressKey(address)}`;

  return {
    /** Counts an attempt; refuses it (before any password work) when a delay or lockout is in force. */
    async begin(username: string, address: string): Promise<ThrottleDecision> {
      const now = deps.clock();
      const byAddress = await deps.store.reserve(addressKey(address), addressPolicy, now);
      const byAccount =
        byAddress > 0 ? 0 : await deps.store.reserve(accountKey(username), accountPolicy, now);
      const until = Math.max(byAddress, byAccount);
      if (until === 0) return { allowed: true };
      const lockout =
        byAddress - now > addressPolicy.maxDelayMs || byAccount - now > accountPolicy.maxDelayMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)), lockout };
    },

    /** The attempt was never checked (the server was too busy): give both reservations back. */
    async cancel(username: string, address: string): Promise<void> {
      await deps.store.release(accountKey(username));
      await deps.store.release(addressKey(address));
    },

    /** The password was right: forget the account's failures and give back the address reservation. */
    async succeeded(username: string, address: string): Promise<void> {
      await deps.store.reset(accountKey(username));
      await deps.store.release(addressKey(address));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
