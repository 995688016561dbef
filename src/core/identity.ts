/**
 * Identity: signing keys and access tokens, password hashing and policy, login throttling, sessions, users, API
 * keys, the login flow, the authenticator and token introspection. Throttle counters live in Redis when it is
 * configured, so every node sees the same attempts; in one node's memory otherwise.
 */

import {
  type AccessTokens,
  createAccessTokens,
  createAuthenticator,
  createCredentialCache,
  createExposedCredentialRevoker,
  createIntrospection,
  createLoginFlow,
  createLoginThrottle,
  createPasswordHasher,
  createPasswordPolicy,
  createSessionCheck,
  createSigningKeyring,
  createStrengthWorker,
  createVerifiedTokenCache,
  isImportableHash,
  limitHashing,
  throttlePasswordChecks,
} from '../auth/index.js';
import type { Config } from '../config.js';
import type { RootKeyHolder } from '../crypto/index.js';
import type { Logger } from '../log.js';
import {
  type ApiKeyService,
  type Authorizer,
  createApiKeyService,
  createServiceAccountKeys,
  createSessionService,
  createUserService,
  type SecurityEventRecorder,
  type UserSubjects,
} from '../services/index.js';
import {
  type AttemptStore,
  createMemoryAttemptStore,
  createRedisAttemptStore,
  type RevocationBus,
} from '../state/index.js';
import type { Persistence } from '../storage/index.js';
import type { Metrics } from './metrics.js';

/** The password policy: zxcvbn in a worker (started at the first check), refused passwords throttled per user. */
function createPasswordChecks(
  config: Readonly<Config>,
  attempts: AttemptStore,
  rootKey: RootKeyHolder,
  clock: () => number,
) {
  const strength = createStrengthWorker();
  const policy = throttlePasswordChecks(
    createPasswordPolicy({ minLength: config.passwordMinLength, score: strength.score }),
    {
      store: attempts,
      config: config.throttle.passwordCheck,
      hmacKey: () => rootKey.derive('password-check-throttle/v1'),
      clock,
    },
  );
  return { strength, policy };
}

/** Signing keys and access tokens (signatures checked once per token, then cached until `exp`). */
function createTokens(deps: {
  config: Readonly<Config>;
  persistence: Persistence;
  rootKey: RootKeyHolder;
  clock: () => number;
  metrics?: Pick<Metrics, 'cache'>;
}) {
  const { config, rootKey, clock } = deps;
  const keyring = createSigningKeyring({
    store: deps.persistence.stores.signingKeys,
    rootKey,
    clock,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    rotationSeconds: config.signingKeyRotationSeconds,
  });
  const accessTokens = createAccessTokens({
    keyring,
    cache: createVerifiedTokenCache({
      maxEntries: config.verifiedTokenCacheSize,
      clock,
      onLookup: (hit) => deps.metrics?.cache('verified_token', hit),
    }),
    clock,
    issuer: config.issuer,
    audience: config.audience,
    ttlSeconds: config.accessTokenTtlSeconds,
  });
  return { keyring, accessTokens };
}

/** Throttle counters: in Redis when it is configured (every node sees the same attempts), else in memory. */
function openAttemptStore(config: Readonly<Config>, logger: Pick<Logger, 'warn'>): AttemptStore {
  return config.redisUrl === null
    ? createMemoryAttemptStore()
    : createRedisAttemptStore({
        url: config.redisUrl,
        prefix: config.redisKeyPrefix,
        commandTimeoutMs: config.redisCommandTimeoutMs,
        onError: (err) => logger.warn({ err }, 'login throttle: Redis error'),
      });
}

/**
 * Authentication and introspection over one credential cache (sessions, API keys and their users), kept while the
 * revocation bus is live (auth/credential-cache.ts).
 */
function createAuthentication(deps: {
  stores: Persistence['stores'];
  accessTokens: AccessTokens;
  apiKeys: ApiKeyService;
  bus: RevocationBus;
  clock: () => number;
  monotonicClock: (() => number) | undefined;
  maxEntries: number;
}) {
  const { stores, accessTokens, clock } = deps;
  const credentialCache = createCredentialCache({
    bus: deps.bus,
    maxEntries: deps.maxEntries,
    ...(deps.monotonicClock === undefined ? {} : { monotonicClock: deps.monotonicClock }),
  });
  const authenticator = createAuthenticator({
    accessTokens,
    apiKeys: deps.apiKeys,
    sessions: stores.sessions,
    users: stores.users,
    clock,
    cache: credentialCache,
  });
  const introspection = createIntrospection({
    accessTokens,
    findLiveSession: createSessionCheck({ sessions: stores.sessions, clock, cache: credentialCache }),
  });
  return { credentialCache, authenticator, introspection };
}

export function createIdentity(deps: {
  config: Readonly<Config>;
  persistence: Persistence;
  rootKey: RootKeyHolder;
  authorizer: Authorizer;
  events: SecurityEventRecorder;
  userSubjects: UserSubjects;
  clock: () => number;
  /** The credential cache's entry ages (default `performance.now`): never the wall clock, which can step back. */
  monotonicClock?: () => number;
  logger: Pick<Logger, 'warn'>;
  metrics?: Pick<Metrics, 'cache'>;
  /** Carries every credential change to every node's credential cache (core/revocations.ts). */
  revocations: RevocationBus;
}) {
  const { config, persistence, rootKey, clock, logger } = deps;
  const { stores } = persistence;
  const { keyring, accessTokens } = createTokens(deps);
  const hasher = limitHashing(createPasswordHasher(config.argon2), {
    concurrency: config.hashConcurrency,
    maxQueued: config.hashQueueLimit,
  });
  const attempts = openAttemptStore(config, logger);
  const throttle = createLoginThrottle({
    store: attempts,
    account: config.throttle.account,
    address: config.throttle.address,
    hmacKey: () => rootKey.derive('login-throttle/v1'),
    clock,
  });
  const { strength, policy: passwordPolicy } = createPasswordChecks(config, attempts, rootKey, clock);
  const sessions = createSessionService({
    transactor: persistence,
    store: stores.sessions,
    apiKeys: stores.apiKeys,
    revocations: deps.revocations,
    clock,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
  });
  const users = createUserService({
    transactor: persistence,
    users: stores.users,
    definedRoles: () => deps.authorizer.roles(),
    hasher,
    policy: passwordPolicy,
    isImportableHash: (value) => isImportableHash(value, hasher.params),
    administration: () => deps.authorizer.administration(),
    events: deps.events,
    subjects: deps.userSubjects,
    revocations: deps.revocations,
    clock,
  });
  const apiKeys = createApiKeyService({
    store: stores.apiKeys,
    transactor: persistence,
    events: deps.events,
    revocations: deps.revocations,
    clock,
  });
  const serviceKeys = createServiceAccountKeys({
    store: stores.apiKeys,
    users: stores.users,
    transactor: persistence,
    events: deps.events,
    revocations: deps.revocations,
    clock,
  });
  const login = createLoginFlow({
    users: stores.users,
    hasher,
    throttle,
    sessions,
    accessTokens,
    events: deps.events,
    clock,
  });
  const { credentialCache, authenticator, introspection } = createAuthentication({
    stores,
    accessTokens,
    apiKeys,
    bus: deps.revocations,
    clock,
    monotonicClock: deps.monotonicClock,
    maxEntries: config.verifiedTokenCacheSize,
  });
  const revoker = createExposedCredentialRevoker({ accessTokens, sessions, apiKeys, events: deps.events });
  return {
    keyring,
    accessTokens,
    hasher,
    attempts,
    /** The password strength worker (started at the first check). */
    strength,
    sessions,
    users,
    apiKeys,
    /** Administrators' management of service accounts' keys. */
    serviceKeys,
    login,
    authenticator,
    /** `stats()`: cumulative hits, misses and bypasses of the credential cache (for the metrics). */
    credentialCache,
    revoker,
    introspection,
    /** Stops the strength worker and closes the attempt store (the core's stop). */
    async close(): Promise<void> {
      await strength.close();
      await attempts.close();
    },
  };
}

export type Identity = ReturnType<typeof createIdentity>;
