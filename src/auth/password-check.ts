/**
 * The password check shared by login and password changes: throttled, one hash per attempt whatever the account
 * (unknown, disabled, wrong password), every outcome an audit event, and an outdated hash upgraded on success.
 * See login.ts for the invariants.
 */
import { AppError, isAppError } from '../errors.js';
import type { SecurityEventRecorder } from '../services/index.js';
import type { UserRecord, UserStore } from '../storage/index.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hash.js';

export interface PasswordCheckDeps {
  users: Pick<UserStore, 'findByUsername' | 'rehashPassword'>;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  events: SecurityEventRecorder;
  clock: () => number;
}

/** Checks a password for a known or unknown username under the throttle; the user when (and only when) it matched. */
export function createPasswordCheck(deps: PasswordCheckDeps) {
  return async function checkPassword(
    username: string,
    password: string,
    clientAddress: string,
    requestId?: string,
  ): Promise<UserRecord> {
    const context = { clientAddress, ...(requestId === undefined ? {} : { requestId }) };
    const decision = await deps.throttle.begin(username, clientAddress);
    // Refusals are audit events only, not security events: that table has no retention and an attacker decides
    // how many refusals there are (the trail grows at most at the rate the throttle lets attempts through plus
    // the refusals; see README, Audit trail).
    if (!decision.allowed) {
      // Best effort like the event itself: a failed lookup names the actor by the username's HMAC instead.
      const known = await deps.users.findByUsername(username).catch(() => null);
      await deps.events.rateLimited({
        action: decision.lockout ? 'auth.lockout' : 'auth.login',
        ...(known === null
          ? { unknownUsername: username }
          : { userId: known.id, actorSubjectHash: known.subject?.hash ?? null }),
        ...context,
      });
      throw new AppError('TOO_MANY_ATTEMPTS', { retryAfter: decision.retryAfterSeconds });
    }
    const user = await deps.users.findByUsername(username);
    let result: Awaited<ReturnType<PasswordHasher['verify']>>;
    try {
      if (user === null) await deps.hasher.verifyDummy(password);
      result =
        user === null
          ? { ok: false, needsRehash: false }
          : await deps.hasher.verify(user.passwordHash, password);
    } catch (error) {
      // Refused for load before any hashing: this attempt tells nothing about the password, so it does not count.
      if (isAppError(error, 'SERVICE_BUSY')) await deps.throttle.cancel(username, clientAddress);
      throw error;
    }
    if (user === null) {
      // The username goes to the audit trail as its HMAC only (the actor), never into security_events.
      await deps.events.record('login_failed', {
        ...context,
        unknownUsername: username,
        detail: { reason: 'unknown_user' },
      });
      throw new AppError('INVALID_CREDENTIALS');
    }
    // A service account's stored hash is of random bytes nobody holds, so it was hashed like any wrong password;
    // refused here besides, whatever was typed.
    if (!result.ok || user.disabled || user.service) {
      const reason = !result.ok ? 'wrong_password' : user.service ? 'service_account' : 'disabled';
      await deps.events.record('login_failed', {
        userId: user.id,
        actorSubjectHash: user.subject?.hash ?? null,
        ...context,
        detail: { reason },
      });
      throw new AppError('INVALID_CREDENTIALS');
    }
    await deps.throttle.succeeded(username, clientAddress);
    if (result.needsRehash) {
      // Best effort (a busy server skips it; the next login retries) and conditional: if the password changed
      // meanwhile, the old password's rehash must not overwrite it.
      try {
        const stronger = await deps.hasher.hash(password);
        await deps.users.rehashPassword(user.id, user.passwordHash, stronger, deps.clock());
      } catch (error) {
        if (!isAppError(error, 'SERVICE_BUSY')) throw error;
      }
    }
    return user;
  };
}
