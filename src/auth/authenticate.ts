/**
 * Turns request credentials into an Actor. Credentials come from headers only: `Authorization: Bearer <token>`
 * (an access token or an API key) or `X-API-Key: <key>`; never from the URL or a cookie.
 * The session (or API key) and its user come from this node's credential cache (credential-cache.ts) while the
 * revocation bus is live, else from storage: logout, revocation, disabling, deletion and role changes made on this
 * node take effect on the very next request, those made on another within the bus's delivery (or the cache's entry
 * age bound when a message is lost). Every check (revoked, expired, disabled, credential version) runs on every
 * request. An API key with its own role list acts with the intersection of that list and its user's current roles.
 */
import { AppError } from '../errors.js';
import type { Actor } from '../model/index.js';
import type { ApiKeyService } from '../services/index.js';
import type { ApiKeyRecord, SessionStore, UserRecord, UserStore } from '../storage/index.js';
import type { AccessTokens } from './access-token.js';
import { createSessionCheck, liveOrNull } from './active-session.js';
import type { CachedUser, CredentialCache } from './credential-cache.js';

export interface PresentedCredentials {
  authorization: string | undefined;
  apiKey: string | undefined;
}

/**
 * Extracts the single credential from headers; null when there is none. Throws AMBIGUOUS_CREDENTIALS when both
 * headers are present and INVALID_TOKEN on a malformed one.
 */
export function readCredential(headers: PresentedCredentials): string | null {
  const { authorization, apiKey } = headers;
  // Two credentials could name two different callers; neither is tried, and the answer says why (a generated
  // client that fills every security scheme of an operation sends both).
  if (authorization !== undefined && apiKey !== undefined) throw new AppError('AMBIGUOUS_CREDENTIALS');
  if (apiKey !== undefined) {
    // X-API-Key carries API keys only: an access token is accepted from Authorization alone.
    const key = apiKey.trim();
    if (!key.startsWith('srk_')) throw new AppError('INVALID_TOKEN');
    return key;
  }
  if (authorization === undefined) return null;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (match?.[1] === undefined) throw new AppError('INVALID_TOKEN');
  return match[1];
}

function snapshot(user: CachedUser) {
  return {
    userId: user.id,
    username: user.username,
    roles: user.roles,
    userCreatedAt: user.createdAt,
    subjectHash: user.subject?.hash ?? null,
    attributes: user.attributes,
    mustChangePassword: user.mustChangePassword,
  };
}

export function createAuthenticator(deps: {
  accessTokens: Pick<AccessTokens, 'verify' | 'verifyCached'>;
  apiKeys: Pick<ApiKeyService, 'hashOf' | 'findByHash' | 'isUsable' | 'noteUse'>;
  sessions: Pick<SessionStore, 'findSessionWithUser'>;
  users: Pick<UserStore, 'findById'>;
  clock: () => number;
  /** Absent: every request reads storage. */
  cache?: Pick<CredentialCache, 'session' | 'sessionNow' | 'apiKey'>;
}) {
  async function findKey(keyHash: string): Promise<{ key: ApiKeyRecord; user: UserRecord } | null> {
    const key = await deps.apiKeys.findByHash(keyHash);
    const user = key === null ? null : await deps.users.findById(key.userId);
    return key === null || user === null ? null : { key, user };
  }

  async function fromApiKey(presented: string): Promise<Actor | null> {
    const keyHash = deps.apiKeys.hashOf(presented);
    if (keyHash === null) return null;
    const found =
      deps.cache === undefined
        ? await findKey(keyHash)
        : await deps.cache.apiKey(keyHash, () => findKey(keyHash));
    if (found === null || !deps.apiKeys.isUsable(found.key) || found.user.disabled) return null;
    const { key: record, user } = found;
    await deps.apiKeys.noteUse(record);
    // A key restricted to some roles acts with those the user still holds now, never with more than the user.
    const keyRoles = record.roles;
    const roles = keyRoles === null ? user.roles : user.roles.filter((role) => keyRoles.includes(role));
    return { kind: 'api_key', ...snapshot(user), roles, apiKeyId: record.id };
  }

  const findLiveSession = createSessionCheck(deps);

  async function fromAccessToken(token: string): Promise<Actor | null> {
    const claims = await deps.accessTokens.verify(token);
    if (claims === null) return null;
    const found = await findLiveSession(claims);
    if (found === null) return null;
    // The user's roles as stored now: the token's `roles` claim is not even part of the verified claims.
    return { kind: 'session', ...snapshot(found.user), sessionId: found.session.id };
  }

  /** The session actor when memory alone decides (see `authenticateNow`), else undefined. */
  function fromCachedAccessToken(token: string): Actor | null | undefined {
    const claims = deps.accessTokens.verifyCached(token);
    if (claims === null) return null;
    if (claims === undefined || deps.cache === undefined) return undefined;
    const cached = deps.cache.sessionNow(claims.sid);
    if (cached === undefined) return undefined;
    const found = liveOrNull(claims, cached, deps.clock);
    return found === null ? null : { kind: 'session', ...snapshot(found.user), sessionId: found.session.id };
  }

  return {
    /**
     * `authenticate` without a promise when this node's memory decides: an access token already verified and its
     * session and user (or the session's absence) in the credential cache, with every check applied now. Undefined
     * when it cannot (an API key, whose use is noted in storage; any miss): the caller then awaits `authenticate`.
     * Throws as `authenticate` does.
     */
    authenticateNow(headers: PresentedCredentials): Actor | undefined {
      const credential = readCredential(headers);
      if (credential === null) throw new AppError('AUTHENTICATION_REQUIRED');
      if (credential.startsWith('srk_')) return undefined;
      const actor = fromCachedAccessToken(credential);
      if (actor === null) throw new AppError('INVALID_TOKEN');
      return actor;
    },

    /** The actor for the presented credential; throws AUTHENTICATION_REQUIRED, AMBIGUOUS_CREDENTIALS, INVALID_TOKEN. */
    async authenticate(headers: PresentedCredentials): Promise<Actor> {
      const credential = readCredential(headers);
      if (credential === null) throw new AppError('AUTHENTICATION_REQUIRED');
      const actor = credential.startsWith('srk_')
        ? await fromApiKey(credential)
        : await fromAccessToken(credential);
      if (actor === null) throw new AppError('INVALID_TOKEN');
      return actor;
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
