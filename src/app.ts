/**
 * The composition root: wires config → stores → services → auth → routes. Builds, never listens (see cli/serve).
 * The app is always built with TLS material: there is no code path that serves the API over plain HTTP.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { DestinationStream } from 'pino';
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
} from './auth/index.js';
import type { Config } from './config.js';
import {
  createRootKeyHolder,
  createUnsealSession,
  loadMasterKey,
  readSealedKeyring,
} from './crypto/index.js';
import { auditContext } from './http/audit-context.js';
import { registerOpenApi } from './http/openapi.js';
import accessPurpose from './http/plugins/access-purpose.js';
import authenticate from './http/plugins/authenticate.js';
import { createClientErrorHandler } from './http/plugins/client-errors.js';
import errorHandler from './http/plugins/error-handler.js';
import { createFrameworkErrorHandler } from './http/plugins/framework-errors.js';
import requestLog from './http/plugins/request-log.js';
import sealGate from './http/plugins/seal-gate.js';
import securityHeaders from './http/plugins/security-headers.js';
import transportGuard from './http/plugins/transport-guard.js';
import urlGuard from './http/plugins/url-guard.js';
import { apiKeyRoutes } from './http/routes/api-key-routes.js';
import { auditRoutes } from './http/routes/audit-routes.js';
import { authRoutes } from './http/routes/auth-routes.js';
import { collectionRoutes } from './http/routes/collection-routes.js';
import { keyRoutes } from './http/routes/key-routes.js';
import { meRoutes } from './http/routes/me-routes.js';
import { policyRoutes } from './http/routes/policy-routes.js';
import { recordRoutes } from './http/routes/record-routes.js';
import { sealRoutes } from './http/routes/seal-routes.js';
import { subjectRoutes } from './http/routes/subject-routes.js';
import { systemRoutes } from './http/routes/system-routes.js';
import { tokenRoutes } from './http/routes/token-routes.js';
import { userRoutes } from './http/routes/user-routes.js';
import { errorResponse } from './http/schemas.js';
import { createLogger, type Logger } from './log.js';
import type { Decision } from './policy/index.js';
import { type AuditTrail, createAuditTrail } from './services/audit/index.js';
import {
  type Authorizer,
  createApiKeyService,
  createAuthorizer,
  createCollectionService,
  createKeyJobHandlers,
  createKeyJobRunner,
  createKeyRotation,
  createKeyService,
  createPolicyService,
  createRecordAccess,
  createRecordCrypto,
  createRecordReader,
  createRecordService,
  createSecurityEventRecorder,
  createSessionService,
  createSubjectService,
  createTokenKeys,
  createTokenService,
  createUserService,
} from './services/index.js';
import { INITIAL_ADMIN_PASSWORD_FILE, INITIAL_ADMIN_USERNAME } from './setup/initial-admin.js';
import { isDefaultMasterKeyFile } from './setup/initialize.js';
import { createMemoryAttemptStore, createRedisAttemptStore } from './state/index.js';
import { createPersistence, migrateToLatest, openDatabase } from './storage/index.js';
import { createTlsServerOptions } from './tls/index.js';
import { VERSION } from './version.js';

export interface AppOptions {
  tls: { cert: string | Buffer; key: string | Buffer };
  logDestination?: DestinationStream;
  logger?: Logger;
  /** Milliseconds since the epoch; tests freeze or move time. */
  clock?: () => number;
  /**
   * For the benchmark's baseline only (bench/policy-audit.ts): record reads and writes skip the policy (every
   * field allowed in plain) and write no audit event. Settable from code only: config, env and CLI never set it.
   */
  benchmarkBaseline?: { withoutPolicy: true; withoutAudit: true };
}

const ALLOW_PLAIN: Decision = { allow: true, redaction: 'plain' };

/**
 * The benchmark baseline's record access (its authorizer decides `allow, plain` for everything, so every
 * RecordAccess method is covered) and audit trail (`record` and `appendInTransaction` write nothing).
 */
function benchmarkBaselineOf(
  authorizer: Authorizer,
  audit: AuditTrail,
  hashSubject: (subject: string) => string,
) {
  return {
    access: createRecordAccess({
      authorizer: { ...authorizer, decide: (): Decision => ALLOW_PLAIN },
      hashSubject,
    }),
    audit: { ...audit, record: async () => undefined, appendInTransaction: async () => [] },
  };
}

export async function buildApp(config: Readonly<Config>, options: AppOptions) {
  const clock = options.clock ?? Date.now;
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });
  // A sealed keyring starts sealed: the root key arrives later, as Shamir shares (POST /v1/sys/unseal).
  const sealedKeyring = config.keyring === 'sealed' ? await readSealedKeyring(config.keyringFile) : null;
  const masterKey =
    sealedKeyring === null
      ? loadMasterKey({
          masterKey: config.masterKey,
          masterKeyFile: config.masterKeyFile,
          isDefaultFile: isDefaultMasterKeyFile(config),
        })
      : null;
  const rootKey = createRootKeyHolder(masterKey?.source ?? 'sealed-keyring');
  const unsealSession =
    sealedKeyring === null ? null : createUnsealSession({ keyring: sealedKeyring, holder: rootKey, clock });
  const database = await openDatabase(config);
  await migrateToLatest(database.db as never);
  const persistence = createPersistence(database);
  const stores = persistence.stores;

  // The audit trail signs checkpoints with a key sealed by the root key: it starts once unsealed.
  const audit = createAuditTrail({
    persistence,
    rootKey,
    clock,
    logger,
    settings: config.audit,
  });
  rootKey.onUnseal(() => audit.start());
  // Security events go to security_events and, best effort, to the audit trail (login works while it is down).
  const events = createSecurityEventRecorder({
    store: stores.securityEvents,
    audit,
    clock,
    onError: (err, type) => logger.error({ err, type }, 'security event could not be recorded'),
    onAuditError: (err, action) => logger.error({ err, action }, 'audit event could not be recorded'),
  });
  // The access policy: from the policy file, else the latest stored version, else the built-in default.
  const policies = createPolicyService({ store: stores.policies, events, clock });
  try {
    await policies.init({ policyFile: config.policyFile });
  } catch (error) {
    await database.close();
    throw error;
  }
  const authorizer = createAuthorizer({ policies });
  const keyring = createSigningKeyring({
    store: stores.signingKeys,
    rootKey,
    clock,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    rotationSeconds: config.signingKeyRotationSeconds,
  });
  rootKey.onUnseal(() => keyring.refresh());
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
  // Counters shared by all nodes when Redis is configured; one node's memory otherwise.
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
    definedRoles: () => authorizer.roles(),
    hasher,
    policy: createPasswordPolicy({ minLength: config.passwordMinLength }),
    isImportableHash: (value) => isImportableHash(value, hasher.params),
    clock,
  });
  const apiKeys = createApiKeyService({ store: stores.apiKeys, clock });
  const login = createLoginFlow({
    users: stores.users,
    hasher,
    throttle,
    sessions,
    accessTokens,
    events,
    clock,
  });
  const authenticator = createAuthenticator({
    accessTokens,
    apiKeys,
    sessions: stores.sessions,
    users: stores.users,
    clock,
  });
  const revoker = createExposedCredentialRevoker({ accessTokens, sessions, apiKeys, events });
  // Encrypted records: keys load when the root key is available (at once, or after unsealing).
  const keyService = createKeyService({
    store: stores.keys,
    rootKey,
    clock,
    cacheSize: config.dataKeyCacheSize,
  });
  rootKey.onUnseal(() => keyService.init());
  const recordCrypto = createRecordCrypto({ keys: keyService });
  const collections = createCollectionService({
    transactor: persistence,
    stores,
    keys: keyService,
    audit,
    clock,
  });
  const subjects = createSubjectService({ transactor: persistence, keys: keyService, rootKey, audit, clock });
  const recordAccess = createRecordAccess({ authorizer, hashSubject: (subject) => subjects.hash(subject) });
  // The benchmark's baseline only (AppOptions.benchmarkBaseline): records without policy and audit.
  const baseline =
    options.benchmarkBaseline === undefined
      ? null
      : benchmarkBaselineOf(authorizer, audit, (subject) => subjects.hash(subject));
  const records = createRecordService({
    transactor: persistence,
    keys: keyService,
    crypto: recordCrypto,
    subjects,
    access: baseline?.access ?? recordAccess,
    audit: baseline?.audit ?? audit,
    clock,
  });
  const recordReader = createRecordReader({
    stores,
    crypto: recordCrypto,
    access: baseline?.access ?? recordAccess,
    audit: baseline?.audit ?? audit,
    cursorKey: () => rootKey.derive('page-cursor/v1'),
  });
  // Key rotation: jobs run in the background once the root key is available, one process per job (lease).
  const keyJobs = createKeyJobRunner({
    transactor: persistence,
    stores,
    handlers: createKeyJobHandlers({
      transactor: persistence,
      stores,
      keys: keyService,
      crypto: recordCrypto,
    }),
    isSealed: () => rootKey.isSealed(),
    clock,
    logger,
    batchSize: config.keyJobBatchSize,
    pauseMs: config.keyJobPauseMs,
    leaseMs: config.keyJobLeaseMs,
    settleMs: config.keyJobSettleMs,
  });
  rootKey.onUnseal(async () => keyJobs.start());
  const keyRotation = createKeyRotation({
    transactor: persistence,
    stores,
    keys: keyService,
    collections,
    audit,
    clock,
    onJobCreated: () => keyJobs.wake(),
  });
  const tokens = createTokenService({
    transactor: persistence,
    stores,
    keys: keyService,
    tokenKeys: createTokenKeys({ keys: keyService, store: stores.keys }),
    crypto: recordCrypto,
    collections,
    access: recordAccess,
    audit,
    clock,
  });
  if (masterKey !== null) await rootKey.unseal(masterKey.key);
  // Warm the dummy hash so the first unknown-user login costs the same as any other.
  await hasher.verifyDummy('warm-up');

  const app: FastifyInstance = Fastify({
    loggerInstance: logger,
    // Fastify's own request lines would log raw URLs; request-log.ts writes a redacted line instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    https: createTlsServerOptions(options.tls),
    // Node's defaults (0) let a client that trickles its request hold a connection forever. Constants, not config:
    // 30 s to receive a whole request (headers included), 60 s of socket inactivity.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    // Errors raised before any hook runs: answered in our shape with the transport and URL checks and the headers.
    frameworkErrors: createFrameworkErrorHandler({ revoker, isBehindProxy: config.trustProxy !== false }),
    clientErrorHandler: createClientErrorHandler({ logger }),
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: false,
        // Field values are JSON scalars of several types (`type: [string, number, boolean, null]`).
        allowUnionTypes: true,
      },
    },
  }) as unknown as FastifyInstance;
  app.removeContentTypeParser('text/plain');
  app.addSchema(errorResponse);
  await app.register(errorHandler, {
    onRefused: async (request, error) => {
      const action = request.routeOptions.config.audit;
      if (action === undefined) return;
      const params = (request.params ?? {}) as { collection?: string; id?: string };
      await audit.record({
        ...auditContext(request),
        ...(request.purpose === null ? {} : { purpose: request.purpose }),
        action,
        resource: {
          ...(params.collection === undefined ? {} : { collection: params.collection }),
          ...(params.id === undefined ? {} : { recordId: params.id }),
        },
        outcome: error.code === 'TOO_MANY_ATTEMPTS' ? 'rate_limited' : 'denied',
      });
    },
  });
  await app.register(securityHeaders);
  await app.register(requestLog);
  if (config.trustProxy !== false) await app.register(transportGuard, { revoker });
  await app.register(urlGuard);
  await app.register(sealGate, { rootKey });
  await app.register(authenticate, { authenticator, authorizer });
  await app.register(accessPurpose, { purposes: () => authorizer.purposes() });
  await registerOpenApi(app, VERSION);

  const initialPasswordFile = path.join(config.dataDir, INITIAL_ADMIN_PASSWORD_FILE);
  await app.register(systemRoutes, {
    isReady: async () => {
      try {
        await stores.users.count();
        keyring.current();
        if (!audit.isHealthy()) return false;
        return await attempts.ping();
      } catch {
        return false;
      }
    },
    isSealed: () => rootKey.isSealed(),
    jwks: () => keyring.jwks(),
  });
  await app.register(sealRoutes, { rootKey, session: unsealSession, clock });
  await app.register(authRoutes, { login });
  await app.register(meRoutes, {
    users,
    login,
    events,
    onPasswordChanged: async (user) => {
      if (user.username === INITIAL_ADMIN_USERNAME) await fs.rm(initialPasswordFile, { force: true });
    },
  });
  await app.register(userRoutes, { users, events, authorizer });
  await app.register(apiKeyRoutes, { apiKeys, events });
  await app.register(policyRoutes, { policies });
  await app.register(collectionRoutes, { collections });
  await app.register(recordRoutes, { collections, records, reader: recordReader });
  await app.register(tokenRoutes, { tokens });
  await app.register(subjectRoutes, { subjects });
  await app.register(auditRoutes, { audit });
  await app.register(keyRoutes, { rotation: keyRotation });

  // Picks up keys rotated by other nodes, rotates when due, and drops expired sessions.
  const maintenance = setInterval(() => {
    // While sealed the signing keys cannot be opened; they are loaded by the unseal listener.
    const refresh = rootKey.isSealed() ? Promise.resolve() : keyring.refresh();
    Promise.all([refresh, stores.sessions.deleteExpired(clock())]).catch((err: unknown) =>
      logger.error({ err }, 'maintenance failed'),
    );
  }, 60_000);
  maintenance.unref();
  // Picks up policy versions stored by other nodes: one MAX(version) query every few seconds.
  const policyRefresh = setInterval(() => {
    policies.refresh().catch((err: unknown) => logger.error({ err }, 'policy refresh failed'));
  }, 5_000);
  policyRefresh.unref();
  app.addHook('preClose', () => keyJobs.stop());
  app.addHook('onClose', async () => {
    clearInterval(maintenance);
    clearInterval(policyRefresh);
    await attempts.close();
    await audit.close();
    await database.close();
  });

  return {
    app,
    logger,
    masterKeySource: rootKey.source,
    rootKey,
    sealedKeyring,
    services: {
      users,
      apiKeys,
      sessions,
      login,
      keyring,
      accessTokens,
      revoker,
      events,
      hasher,
      stores,
      database,
      persistence,
      keyService,
      collections,
      records,
      recordReader,
      subjects,
      audit,
      keyJobs,
      keyRotation,
      tokens,
      policies,
      authorizer,
    },
  };
}

export type StrongroomApp = Awaited<ReturnType<typeof buildApp>>;
