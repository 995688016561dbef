/**
 * Throttles failed password-policy checks per user: a logged-in caller cannot make the server score password after
 * password (zxcvbn, tens of milliseconds of CPU each) without limit. Counters live in the attempt store of the login
 * throttle (Redis when configured, so every node counts together; memory otherwise), under keys of their own.
 * Invariants:
 * - each check is counted before it runs (state/attempt-store.ts `reserve`), so concurrent checks cannot all slip
 *   past the limit; past it a check is refused at once with 429 RATE_LIMITED and Retry-After, before any scoring;
 * - an accepted password forgets the user's failures, as a successful login does: otherwise, after a few refusals,
 *   every accepted password would block the next check (an administrator creating accounts in bulk). Alternating
 *   does not buy free scoring: each acceptance costs an argon2 hash and changes something (a new password or a new
 *   account), so at most `freeAttempts - 1` refusals come per acceptance. A check refused as SERVICE_BUSY was never
 *   run and gives its reservation back;
 * - keys are an HMAC of the user id, so the store holds no identifier in clear; a store that does not answer is
 *   503 DEPENDENCY_UNAVAILABLE (fail closed, as for logins);
 * - a check without `actorId` (code with no requester: setup, tests) is not throttled.
 */
import { createHmac } from 'node:crypto';
import type { ThrottleConfig } from '../config.js';
import { AppError, isAppError } from '../errors.js';
import type { AttemptStore } from '../state/index.js';
import { toAttemptPolicy } from './login-throttle.js';
import type { PasswordPolicy } from './password-policy.js';

export function throttlePasswordChecks(
  policy: PasswordPolicy,
  deps: {
    store: Pick<AttemptStore, 'reserve' | 'release' | 'reset'>;
    config: ThrottleConfig;
    /** Keys the HMAC; read at each use (the root key may be sealed when this is built). */
    hmacKey: () => Buffer;
    clock: () => number;
  },
): PasswordPolicy {
  const attempts = toAttemptPolicy(deps.config);
  const keyOf = (userId: string) =>
    `pwcheck:${createHmac('sha256', deps.hmacKey()).update(userId).digest('base64url')}`;

  return {
    async check(password, context = {}) {
      if (context.actorId === undefined) return policy.check(password, context);
      const key = keyOf(context.actorId);
      const now = deps.clock();
      const blockedUntil = await deps.store.reserve(key, attempts, now);
      if (blockedUntil > 0) {
        throw new AppError('RATE_LIMITED', {
          retryAfter: Math.max(1, Math.ceil((blockedUntil - now) / 1000)),
          message:
            'Too many passwords were refused by the password policy; retry after the seconds in Retry-After',
        });
      }
      try {
        await policy.check(password, context);
      } catch (error) {
        if (isAppError(error, 'SERVICE_BUSY')) await deps.store.release(key);
        throw error;
      }
      await deps.store.reset(key);
    },
  };
}
