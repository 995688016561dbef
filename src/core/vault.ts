/**
 * The vault: data keys, collections, subjects, encrypted records (writes and reads through the access policy and
 * the audit trail), tokens, and key rotation with its background jobs. Records and tokens are decided by the one
 * authorizer; only `records` (a dependency of the core, set by bench/ alone) may replace their access and audit.
 */
import type { Config } from '../config.js';
import type { RootKeyHolder } from '../crypto/index.js';
import type { Logger } from '../log.js';
import type { AuditTrail } from '../services/audit/index.js';
import {
  type Authorizer,
  convertClearSubjects,
  createCollectionService,
  createKeyJobHandlers,
  createKeyJobRunner,
  createKeyRotation,
  createKeyService,
  createRecordAccess,
  createRecordCrypto,
  createRecordReader,
  createRecordService,
  createSubjectService,
  createTokenKeys,
  createTokenService,
  createUserSubjects,
  type RecordAccess,
  type RevocationPublisher,
} from '../services/index.js';
import type { Persistence } from '../storage/index.js';
import { createLogCheckpointer } from './log-checkpointer.js';
import type { Metrics } from './metrics.js';

/** What record reads and writes decide and audit with; a core dependency may replace both (bench/ does). */
export interface RecordPipeline {
  access: RecordAccess;
  audit: AuditTrail;
}

/** The standard pipeline and what it is made of, for a replacement to build on. */
export interface StandardRecordPipeline extends RecordPipeline {
  authorizer: Authorizer;
}

export function createVault(deps: {
  config: Readonly<Config>;
  persistence: Persistence;
  rootKey: RootKeyHolder;
  authorizer: Authorizer;
  audit: AuditTrail;
  clock: () => number;
  logger: Logger;
  records?: (standard: StandardRecordPipeline) => RecordPipeline;
  metrics?: Pick<Metrics, 'cache'>;
  revocations: RevocationPublisher;
}) {
  const { config, persistence, rootKey, audit, clock } = deps;
  const { stores } = persistence;
  const transactor = persistence;
  const keyService = createKeyService({
    store: stores.keys,
    rootKey,
    clock,
    cacheSize: config.dataKeyCacheSize,
    onCacheLookup: (hit) => deps.metrics?.cache('data_key', hit),
  });
  const recordCrypto = createRecordCrypto({ keys: keyService });
  // After an erasure, a drop (or a conversion) has committed: a checkpoint that cannot finish is retried, never a failure.
  const checkpointLog = createLogCheckpointer({
    checkpoint: () => persistence.checkpointLog(),
    logger: deps.logger,
  });
  // What collections and subjects both need: both destroy keys (a drop, an erasure) and checkpoint afterwards.
  const shredding = { transactor, keys: keyService, audit, clock, checkpointLog };
  const collections = createCollectionService({ ...shredding, stores });
  const subjects = createSubjectService({ ...shredding, rootKey, revocations: deps.revocations });
  const userSubjects = createUserSubjects({ subjects, keys: keyService, store: stores.keys });
  const recordAccess = createRecordAccess({ authorizer: deps.authorizer });
  const standard = { access: recordAccess, audit, authorizer: deps.authorizer };
  const pipeline = deps.records?.(standard) ?? standard;
  const records = createRecordService({
    transactor,
    keys: keyService,
    crypto: recordCrypto,
    subjects,
    access: pipeline.access,
    audit: pipeline.audit,
    clock,
  });
  const recordReader = createRecordReader({
    stores,
    crypto: recordCrypto,
    access: pipeline.access,
    audit: pipeline.audit,
    cursorKey: () => rootKey.derive('page-cursor/v1'),
  });
  // Key rotation: jobs run in the background once the root key is available, one process per job (lease).
  const keyJobs = createKeyJobRunner({
    transactor,
    stores,
    handlers: createKeyJobHandlers({ transactor, stores, keys: keyService, crypto: recordCrypto }),
    isSealed: () => rootKey.isSealed(),
    clock,
    logger: deps.logger,
    batchSize: config.keyJobBatchSize,
    pauseMs: config.keyJobPauseMs,
    leaseMs: config.keyJobLeaseMs,
    settleMs: config.keyJobSettleMs,
  });
  const keyRotation = createKeyRotation({
    transactor,
    stores,
    keys: keyService,
    collections,
    audit,
    clock,
    onJobCreated: () => keyJobs.wake(),
  });
  const tokens = createTokenService({
    transactor,
    stores,
    keys: keyService,
    tokenKeys: createTokenKeys({ keys: keyService, store: stores.keys }),
    crypto: recordCrypto,
    collections,
    access: recordAccess,
    audit,
    clock,
  });
  return {
    keyService,
    recordCrypto,
    collections,
    subjects,
    userSubjects,
    /** Converts the clear subject ids of before migration 0006; an unseal listener (needs the root key). */
    convertUserSubjects: () =>
      convertClearSubjects({
        transactor,
        users: stores.users,
        subjects: userSubjects,
        checkpointLog,
        // The conversion has committed: a VACUUM that fails is logged (the operator can run it), never fatal.
        vacuumUsers: () =>
          persistence
            .vacuum(['users'])
            .catch((err: unknown) =>
              deps.logger.warn(
                { err },
                'VACUUM users failed after converting clear subject ids; run it by hand',
              ),
            ),
      }),
    records,
    recordReader,
    keyJobs,
    keyRotation,
    tokens,
  };
}

export type Vault = ReturnType<typeof createVault>;
