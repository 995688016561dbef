/**
 * Identity: signing keys and access tokens, password hashing and policy, login throttling, sessions, users, API
 * keys, the login flow and the authenticator. Throttle counters live in Redis when it is configured, so every node
 * sees the same attempts; in one node's memory otherwise.
 */
import {
  createAccessTokens,
  createAuthenticator,
  createExposedCredentialRevoker,
  createLoginFlow,
  createLoginThrottle,
  createPasswordHasher,
  createPasswordPolicy,
  createSigningKeyring,
  createVerifiedTokenCache,
  isImportableHash,
  limitHashing,
} from '../auth/index.js';
import type { Config } from '../config.js';
import type { RootKeyHolder } from '../crypto/index.js';
import {
  type Authorizer,
  createApiKeyService,
  createSessionService,
  createUserService,
  type SecurityEventRecorder,
} from '../services/index.js';
import { createMemoryAttemptStore, createRedisAttemptStore } from '../state/index.js';
import type { Persistence } from '../storage/index.js';

export function createIdentity(deps: {
  config: Readonly<Config>;
  persistence: Persistence;
  rootKey: RootKeyHolder;
  authorizer: Authorizer;
  events: SecurityEventRecorder;
  clock: () => number;
}) {
  const { config, persistence, rootKey, clock } = deps;
  const { stores } = persistence;
  const keyring = createSigningKeyring({
    store: stores.signingKeys,
    rootKey,
    clock,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    rotationSeconds: config.signingKeyRotationSeconds,
  });
  const accessTokens = createAccessTokens({
    keyring,
    cache: createVerifiedTokenCache({ maxEntries: config.verifiedTokenCacheSize, clock }),
    clock,
    issuer: config.issuer,
    audience: config.audience,
    ttlSeconds: config.accessTokenTtlSeconds,
  });
  const hasher = limitHashing(createPasswordHasher(config.argon2), {
    concurrency: config.hashConcurrency,
    maxQueued: config.hashQueueLimit,
  });
  const attempts =
    config.redisUrl === null
      ? createMemoryAttemptStore()
      : createRedisAttemptStore({ url: config.redisUrl, prefix: config.redisKeyPrefix });
  const throttle = createLoginThrottle({
    store: attempts,
    account: config.throttle.account,
    address: config.throttle.address,
    hmacKey: () => rootKey.derive('login-throttle/v1'),
    clock,
  });
  const sessions = createSessionService({
    transactor: persistence,
    store: stores.sessions,
    apiKeys: stores.apiKeys,
    clock,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
  });
  const users = createUserService({
    transactor: persistence,
    users: stores.users,
    definedRoles: () => deps.authorizer.roles(),
    hasher,
    policy: createPasswordPolicy({ minLength: config.passwordMinLength }),
    isImportableHash: (value) => isImportableHash(value, hasher.params),
    administration: () => deps.authorizer.administration(),
    events: deps.events,
    clock,
  });
  const apiKeys = createApiKeyService({ store: stores.apiKeys, events: deps.events, clock });
  const login = createLoginFlow({
    users: stores.users,
    hasher,
    throttle,
    sessions,
    accessTokens,
    events: deps.events,
    clock,
  });
  const authenticator = createAuthenticator({
    accessTokens,
    apiKeys,
    sessions: stores.sessions,
    users: stores.users,
    clock,
  });
  const revoker = createExposedCredentialRevoker({ accessTokens, sessions, apiKeys, events: deps.events });
  return { keyring, accessTokens, hasher, attempts, sessions, users, apiKeys, login, authenticator, revoker };
}

export type Identity = ReturnType<typeof createIdentity>;
