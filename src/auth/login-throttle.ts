/**
 * Brute-force throttling of password checks, per account and per client address.
 * Each attempt is counted *before* the password is checked (a reservation), so concurrent guesses cannot slip past
 * the limit; a success resets the account counter and releases its reservation on the address counter.
 * After `freeAttempts` failures each further attempt must wait an exponentially growing delay; after `lockoutAfter`
 * the key is locked for `lockoutSeconds`. Refusals happen before any hashing.
 * Account keys are an HMAC of the case-folded username: an unknown username is throttled exactly like a real one
 * (no account enumeration), and the counters never hold usernames in clear.
 */
import { createHmac } from 'node:crypto';
import type { ThrottleConfig } from '../config.js';
import type { AttemptState, AttemptStore } from '../state/index.js';

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

function delayMs(config: ThrottleConfig, failures: number): number {
  if (failures >= config.lockoutAfter) return config.lockoutSeconds * 1000;
  if (failures < config.freeAttempts) return 0;
  const exponent = Math.min(failures - config.freeAttempts, 30);
  return Math.min(config.baseDelaySeconds * 2 ** exponent, config.maxDelaySeconds) * 1000;
}

export function createLoginThrottle(deps: {
  store: AttemptStore;
  account: ThrottleConfig;
  address: ThrottleConfig;
  hmacKey: Buffer;
  clock: () => number;
}) {
  const accountKey = (username: string) =>
    `acct:${createHmac('sha256', deps.hmacKey).update(username.normalize('NFKC').toLowerCase()).digest('base64url')}`;
  const addressKey = (address: string) => `addr:${address}`;
  const retentionMs = (config: ThrottleConfig) => (config.lockoutSeconds + config.maxDelaySeconds) * 1000;

  async function reserve(key: string, config: ThrottleConfig): Promise<number> {
    let refusedUntil = 0;
    await deps.store.update(key, (current) => {
      const now = deps.clock();
      const state: AttemptState = current ?? { failures: 0, blockedUntil: 0 };
      if (state.blockedUntil > now) {
        refusedUntil = state.blockedUntil;
        return { state, expiresAt: Math.max(state.blockedUntil, now + retentionMs(config)) };
      }
      const failures = state.failures + 1;
      const blockedUntil = now + delayMs(config, failures);
      return {
        state: { failures, blockedUntil },
        expiresAt: Math.max(blockedUntil, now + retentionMs(config)),
      };
    });
    return refusedUntil;
  }

  return {
    /** Counts an attempt; refuses it (before any password work) when a delay or lockout is in force. */
    async begin(username: string, address: string): Promise<ThrottleDecision> {
      const byAddress = await reserve(addressKey(address), deps.address);
      const byAccount = byAddress > 0 ? 0 : await reserve(accountKey(username), deps.account);
      const until = Math.max(byAddress, byAccount);
      if (until === 0) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - deps.clock()) / 1000)) };
    },

    /** The password was right: forget the account's failures and give back the address reservation. */
    async succeeded(username: string, address: string): Promise<void> {
      await deps.store.update(accountKey(username), () => null);
      await deps.store.update(addressKey(address), (current) => {
        if (current === null || current.failures <= 1) return null;
        const state = { failures: current.failures - 1, blockedUntil: current.blockedUntil };
        return { state, expiresAt: deps.clock() + retentionMs(deps.address) };
      });
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
