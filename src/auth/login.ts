/**
 * Password login, token refresh and logout.
 * Invariants:
 * - every attempt that reaches the password check runs the hash function exactly once, whether the user exists,
 *   is disabled or typed a wrong password: the response and its timing do not reveal which;
 * - throttled attempts are refused before any hashing, identically for existing and unknown accounts (both look the
 *   username up once, to name the audit actor);
 * - every outcome is an audit event (through `events`, best effort): allowed, denied, or rate_limited for throttle
 *   refusals (`auth.lockout` when the block is a lockout); an unknown username appears there only as its HMAC;
 * - hashes made with older parameters, and imported bcrypt hashes, are replaced with current argon2id on success.
 */
import { AppError, isAppError } from '../errors.js';
import type { SecurityEventRecorder, SessionService } from '../services/index.js';
import type { UserRecord, UserStore } from '../storage/index.js';
import type { AccessTokens } from './access-token.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hash.js';

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
}

export function createLoginFlow(deps: {
  users: Pick<UserStore, 'findByUsername' | 'findById' | 'rehashPassword'>;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  sessions: SessionService;
  accessTokens: AccessTokens;
  events: SecurityEventRecorder;
  clock: () => number;
}) {
  async function pair(userId: string, sessionId: string, refreshToken: string): Promise<TokenPair> {
    const accessToken = await deps.accessTokens.issue({ userId, sessionId });
    return { accessToken, tokenType: 'Bearer', expiresIn: deps.accessTokens.ttlSeconds, refreshToken };
  }

  /** Checks a password for a known or unknown username under the throttle; the user when (and only when) it matched. */
  async function checkPassword(
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
        ...(known === null ? { unknownUsername: username } : { userId: known.id }),
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
    if (!result.ok || user.disabled) {
      const reason = result.ok ? 'disabled' : 'wrong_password';
      await deps.events.record('login_failed', { userId: user.id, ...context, detail: { reason } });
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
  }

  return {
    checkPassword,

    async login(input: {
      username: string;
      password: string;
      clientAddress: string;
      requestId?: string;
    }): Promise<TokenPair> {
      const user = await checkPassword(input.username, input.password, input.clientAddress, input.requestId);
      const { sessionId, refreshToken } = await deps.sessions.start(user.id, user.credentialVersion);
      await deps.events.record('login_succeeded', {
        userId: user.id,
        sessionId,
        clientAddress: input.clientAddress,
        ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
      });
      return pair(user.id, sessionId, refreshToken);
    },

    async refresh(input: {
      refreshToken: string;
      clientAddress: string;
      requestId?: string;
    }): Promise<TokenPair> {
      const outcome = await deps.sessions.refresh(input.refreshToken);
      if (!outcome.ok) {
        if (outcome.reason === 'reused') {
          await deps.events.record('refresh_token_reuse', {
            userId: outcome.userId ?? null,
            sessionId: outcome.sessionId ?? null,
            clientAddress: input.clientAddress,
            ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
          });
        }
        throw new AppError('INVALID_REFRESH_TOKEN');
      }
      const user = await deps.users.findById(outcome.userId);
      if (user === null || user.disabled || user.credentialVersion !== outcome.credentialVersion) {
        await deps.sessions.revoke(outcome.sessionId, 'user_unavailable');
        throw new AppError('INVALID_REFRESH_TOKEN');
      }
      return pair(outcome.userId, outcome.sessionId, outcome.refreshToken);
    },

    async logout(input: {
      userId: string;
      sessionId: string;
      clientAddress: string;
      requestId?: string;
    }): Promise<void> {
      await deps.sessions.revoke(input.sessionId, 'logout');
      await deps.events.record('logout', {
        userId: input.userId,
        sessionId: input.sessionId,
        clientAddress: input.clientAddress,
        ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
      });
    },
  };
}

export type LoginFlow = ReturnType<typeof createLoginFlow>;
