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
import { AppError } from '../errors.js';
import type { SessionService } from '../services/index.js';
import type { UserStore } from '../storage/index.js';
import type { AccessTokens } from './access-token.js';
import { createPasswordCheck, type PasswordCheckDeps } from './password-check.js';

export interface LoginDeps extends PasswordCheckDeps {
  users: Pick<UserStore, 'findByUsername' | 'findById' | 'rehashPassword'>;
  sessions: SessionService;
  accessTokens: AccessTokens;
}

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
}

export function createLoginFlow(deps: LoginDeps) {
  async function pair(
    user: { id: string; roles: readonly string[]; mustChangePassword: boolean },
    sessionId: string,
    refreshToken: string,
  ): Promise<TokenPair> {
    // Marked while the session may only change the password, so applications verifying locally refuse it too.
    const accessToken = await deps.accessTokens.issue({
      userId: user.id,
      sessionId,
      roles: user.roles,
      passwordChangeRequired: user.mustChangePassword,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: deps.accessTokens.ttlSeconds, refreshToken };
  }

  const checkPassword = createPasswordCheck(deps);

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
        actorSubjectHash: user.subject?.hash ?? null,
        sessionId,
        clientAddress: input.clientAddress,
        ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
      });
      return pair(user, sessionId, refreshToken);
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
      return pair(user, outcome.sessionId, outcome.refreshToken);
    },

    async logout(input: {
      userId: string;
      /** The user's subject HMAC as read for this request (the event's actor subject), if any. */
      actorSubjectHash?: string | null;
      sessionId: string;
      clientAddress: string;
      requestId?: string;
    }): Promise<void> {
      await deps.sessions.revoke(input.sessionId, 'logout');
      await deps.events.record('logout', {
        userId: input.userId,
        actorSubjectHash: input.actorSubjectHash ?? null,
        sessionId: input.sessionId,
        clientAddress: input.clientAddress,
        ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
      });
    },
  };
}

export type LoginFlow = ReturnType<typeof createLoginFlow>;
