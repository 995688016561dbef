/**
 * The core: every store and service of Strongroom, without HTTP. Building it opens and migrates the database and
 * loads the policy; `start()` unseals with the master key (when there is one, else the vault waits for shares),
 * which runs every unseal listener, and starts the timers and background jobs; `stop()` ends them and closes the
 * database, Redis and the audit trail, in that order. A core that failed to build has closed what it opened.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PASSWORD_HASH_PARAMS } from '../auth/index.js';
import type { Config } from '../config.js';
import type { RootKeyHolder } from '../crypto/index.js';
import type { Logger } from '../log.js';
import { type AuditTrail, createAuditTrail } from '../services/audit/index.js';
import { createAuthorizer, createPolicyService, createSecurityEventRecorder } from '../services/index.js';
import { startEmailReindex } from '../services/key-jobs/index.js';
import { createPostureService, type PostureServiceDeps } from '../services/posture/index.js';
import { INITIAL_ADMIN_PASSWORD_FILE, INITIAL_ADMIN_USERNAME } from '../setup/initial-admin.js';
import {
  createPersistence,
  createPostureStore,
  type DatabaseHandle,
  type KeyStore,
  migrateToLatest,
  openDatabase,
  type Persistence,
} from '../storage/index.js';
import { registerCoreMetrics } from './core-metrics.js';
import { createIdentity, type Identity } from './identity.js';
import { startMaintenance } from './maintenance.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createQuotas } from './quotas.js';
import { createReadiness } from './readiness.js';
import { openRevocationBus } from './revocations.js';
import { explainKeyMismatch, loadPinnedDerivations, openRootKey, openRootSealed } from './root-key.js';
import { createVault, type RecordPipeline, type StandardRecordPipeline, type Vault } from './vault.js';

export interface CoreDeps {
  logger: Logger;
  /** Milliseconds since the epoch; tests freeze or move time. */
  clock?: () => number;
  /** Milliseconds that never step back, for ages (default `performance.now`); tests move it with `clock`. */
  monotonicClock?: () => number;
  /** Replaces what record reads and writes decide and audit with: bench/ only, for its no-policy baseline. */
  records?: (standard: StandardRecordPipeline) => RecordPipeline;
}

/** Opens and migrates the configured database; a lost connection is logged, never fatal. */
async function openPersistence(config: Readonly<Config>, logger: Logger) {
  const database = await openDatabase(config, {
    onError: (err) => logger.warn({ err }, 'database connection error'),
  });
  await migrateToLatest(database.db as never);
  return { database, persistence: createPersistence(database) };
}

/**
 * Emails indexed by an earlier release with their case are rebuilt by an index rotation (key-jobs/email-reindex.ts).
 * Not a reason to stay sealed: searches keep working on the old index version, and the next start tries again.
 */
async function rebuildLegacyEmailIndexes(vault: Vault, store: KeyStore, logger: Logger): Promise<void> {
  const { collections, keyService: keys, keyRotation: rotation } = vault;
  await startEmailReindex({ collections, keys, store, rotation, logger }).catch((err: unknown) =>
    logger.warn({ err }, 'email blind index rebuild could not be started'),
  );
}

/** The audit trail, each batch's commit timed by the metrics (GET /metrics: this core's own registry). */
function auditTrailOf(metrics: Metrics, deps: Omit<Parameters<typeof createAuditTrail>[0], 'onCommit'>) {
  return createAuditTrail({ ...deps, onCommit: metrics.auditCommit });
}

/** Readiness (the dependencies that do not answer, for /readyz) and the gauges the metrics read from the core. */
function watchCore(
  metrics: Metrics,
  parts: {
    persistence: Persistence;
    identity: Identity;
    audit: AuditTrail;
    quotas: ReturnType<typeof createQuotas>;
    vault: Vault;
    rootKey: Pick<RootKeyHolder, 'isSealed'>;
  },
) {
  const { persistence, identity, audit, quotas, vault, rootKey } = parts;
  const notReady = createReadiness({
    database: async () => (await persistence.stores.users.count()) >= 0,
    signing_key: () => identity.keyring.current() !== undefined,
    audit: () => audit.isHealthy(),
    redis: async () => (await identity.attempts.ping()) && (await quotas.store.ping()),
  });
  registerCoreMetrics(metrics, {
    hasher: identity.hasher,
    audit,
    keyJobs: () => vault.keyRotation.list(),
    notReady,
    isSealed: () => rootKey.isSealed(),
    credentialCache: identity.credentialCache,
  });
  return notReady;
}

/** `<data-dir>/initial-admin-password`: deleted once the initial admin changes the password. */
function passwordFileOf(config: Readonly<Config>): string {
  return path.join(config.dataDir, INITIAL_ADMIN_PASSWORD_FILE);
}

/** What GET /v1/sys/posture reads: settings, counts, ids and file modes, never a secret. */
function postureOf(
  config: Readonly<Config>,
  database: Pick<DatabaseHandle, 'db' | 'kind'>,
  parts: Pick<PostureServiceDeps, 'policies' | 'rootKey' | 'audit' | 'clock'>,
) {
  return createPostureService({
    ...parts,
    config,
    store: createPostureStore(database.db),
    owaspMinimum: DEFAULT_PASSWORD_HASH_PARAMS,
    databaseKind: database.kind,
    initialPasswordFile: passwordFileOf(config),
  });
}

/**
 * The signing keys, data keys, audit signer and key jobs all need the root key: they start once it is here.
 * First: keys pinned by `operator migrate` from an earlier root key, before anything derives.
 */
function startOnUnseal(
  rootKey: Awaited<ReturnType<typeof openRootKey>>['rootKey'],
  parts: {
    rootSealed: Parameters<typeof loadPinnedDerivations>[1];
    audit: { start(): Promise<void> };
    identity: { keyring: { refresh(): Promise<void> } };
    vault: Parameters<typeof rebuildLegacyEmailIndexes>[0] & {
      keyService: { init(): Promise<void> };
      convertUserSubjects(): Promise<unknown>;
      keyJobs: { start(): unknown };
    };
    keys: Parameters<typeof rebuildLegacyEmailIndexes>[1];
    logger: Parameters<typeof rebuildLegacyEmailIndexes>[2];
  },
): void {
  const { rootSealed, audit, identity, vault, keys, logger } = parts;
  rootKey.onUnseal(() => loadPinnedDerivations(rootKey, rootSealed));
  rootKey.onUnseal(() => audit.start());
  rootKey.onUnseal(() => identity.keyring.refresh());
  rootKey.onUnseal(() => vault.keyService.init());
  rootKey.onUnseal(async () => void (await vault.convertUserSubjects()));
  rootKey.onUnseal(async () => vault.keyJobs.start());
  rootKey.onUnseal(() => rebuildLegacyEmailIndexes(vault, keys, logger));
}

export async function createCore(config: Readonly<Config>, deps: CoreDeps) {
  const { logger } = deps;
  const clock = deps.clock ?? Date.now;
  const key = await openRootKey(config, clock);
  const { rootKey } = key;
  const { database, persistence } = await openPersistence(config, logger);
  const { stores } = persistence;
  const rootSealed = await openRootSealed(config, key.sealedKeyring, database, stores.keys);
  const metrics = createMetrics();
  const audit = auditTrailOf(metrics, { persistence, rootKey, clock, logger, settings: config.audit });
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
  // The vault first: users keep their subject ids under the subjects' keys.
  // Revocations reach every node's credential cache through one channel (Redis, else PostgreSQL, else in-process).
  const revocations = openRevocationBus(config, database, logger);
  const shared = { config, persistence, rootKey, authorizer, clock, logger, metrics, revocations };
  const records = deps.records === undefined ? {} : { records: deps.records };
  const vault = createVault({ ...shared, audit, ...records });
  const identity = createIdentity({
    ...shared,
    events,
    userSubjects: vault.userSubjects,
    ...(deps.monotonicClock === undefined ? {} : { monotonicClock: deps.monotonicClock }),
  });
  const quotas = createQuotas({ config, policies, clock, logger });
  const notReady = watchCore(metrics, { persistence, identity, audit, quotas, vault, rootKey });
  startOnUnseal(rootKey, { rootSealed, audit, identity, vault, keys: stores.keys, logger });
  let stopMaintenance: (() => void) | null = null;

  return {
    config,
    logger,
    clock,
    rootKey,
    masterKeySource: rootKey.source,
    sealedKeyring: key.sealedKeyring,
    unsealSession: key.unsealSession,
    metrics,
    services: {
      ...identity,
      ...vault,
      events,
      stores,
      database,
      persistence,
      audit,
      policies,
      authorizer,
      quotas: quotas.service,
      revocations,
      posture: postureOf(config, database, { policies, rootKey, audit, clock }),
    },

    /** The dependencies that do not answer (within 0.9 s each): database, signing key, audit trail, Redis. */
    notReady,

    /** Ready to serve: every dependency answers. */
    async isReady(): Promise<boolean> {
      return (await notReady()).length === 0;
    },

    /** The initial admin's password file goes once that password has been changed. */
    async onPasswordChanged(user: { username: string }): Promise<void> {
      if (user.username === INITIAL_ADMIN_USERNAME) await fs.rm(passwordFileOf(config), { force: true });
    },

    async start(): Promise<void> {
      if (key.masterKey !== null) await rootKey.unseal(key.masterKey.key).catch(explainKeyMismatch);
      // Warm the dummy hash so the first unknown-user login costs the same as any other.
      await identity.hasher.verifyDummy('warm-up');
      stopMaintenance ??= startMaintenance(
        [
          // Picks up keys rotated by other nodes, rotates when due, and drops expired sessions. While sealed the
          // signing keys cannot be opened; the unseal listener loads them.
          {
            name: 'maintenance',
            everyMs: 60_000,
            run: () =>
              Promise.all([
                rootKey.isSealed() ? Promise.resolve() : identity.keyring.refresh(),
                stores.sessions.deleteExpired(clock()),
              ]),
          },
          // Picks up policy versions stored by other nodes: one MAX(version) query every few seconds.
          { name: 'policy refresh', everyMs: 5_000, run: () => policies.refresh() },
        ],
        logger,
      );
    },

    async stop(): Promise<void> {
      await vault.keyJobs.stop();
      stopMaintenance?.();
      stopMaintenance = null;
      await identity.close();
      await quotas.store.close();
      await audit.close();
      await revocations.close();
      await database.close();
    },
  };
}

export type Core = Awaited<ReturnType<typeof createCore>>;
