/**
 * Starting a key rotation: the new key version and the job that moves everything onto it are created in one
 * transaction, so there is never a new version without its job, nor a job without its version.
 * Invariants: new writes use the new version as soon as the transaction commits (writers read the newest version
 * of a data key in their own transaction; the newest master version is reloaded right after the commit); one
 * running job per key (KEY_JOB_RUNNING, also when two nodes race: the new version's primary key admits one).
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { KeyJobRow, Stores, Transactor } from '../../storage/index.js';
import type { AuditInput, AuditTrail } from '../audit/index.js';
import type { CollectionService } from '../collection-service.js';
import type { KeyService } from '../key-service.js';

export type RotationTarget =
  | { target: 'master' }
  | { target: 'collection'; collection: string; index: boolean };

/** Jobs `GET /v1/keys/jobs` lists, newest first. */
export const KEY_JOB_LIST_LIMIT = 50;

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

export function createKeyRotation(deps: {
  transactor: Transactor;
  stores: Pick<Stores, 'keyJobs'>;
  keys: KeyService;
  collections: Pick<CollectionService, 'get'>;
  audit: Pick<AuditTrail, 'appendInTransaction'>;
  clock: () => number;
  onJobCreated: () => void;
}) {
  function newJob(
    createdBy: string | null,
    fields: Pick<KeyJobRow, 'kind' | 'keyId' | 'fromVersion' | 'toVersion' | 'total'>,
  ): KeyJobRow {
    const now = deps.clock();
    return {
      id: randomUUID(),
      ...fields,
      status: 'running',
      cursor: '',
      done: 0,
      createdBy,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      error: null,
    };
  }

  async function rotateMaster(createdBy: string | null, stores: Stores): Promise<KeyJobRow> {
    if ((await stores.keyJobs.findRunning('master', null)) !== null) throw new AppError('KEY_JOB_RUNNING');
    const toVersion = await deps.keys.rotateMaster(stores.keys);
    if (toVersion === null) throw new AppError('KEY_JOB_RUNNING');
    const job = newJob(createdBy, {
      kind: 'master',
      keyId: null,
      fromVersion: toVersion - 1,
      toVersion,
      total: await stores.keys.countWrappedBelow(toVersion),
    });
    await stores.keyJobs.insert(job);
    return job;
  }

  async function rotateCollection(
    createdBy: string | null,
    stores: Stores,
    collection: { id: string; keyId: string; indexKeyId: string },
    index: boolean,
  ): Promise<KeyJobRow> {
    const kind = index ? 'index' : 'collection';
    const keyId = index ? collection.indexKeyId : collection.keyId;
    if ((await stores.keyJobs.findRunning(kind, keyId)) !== null) throw new AppError('KEY_JOB_RUNNING');
    const fromVersion = await deps.keys.currentVersion(stores.keys, keyId);
    const toVersion = fromVersion + 1;
    await deps.keys.createDataKey(stores.keys, keyId, index ? 'index' : 'collection', toVersion);
    const total = index
      ? await stores.recordQueries.countRecordsWithOldIndex(collection.id, toVersion)
      : await stores.recordQueries.countUnderOldKey(keyId, toVersion);
    const job = newJob(createdBy, { kind, keyId, fromVersion, toVersion, total });
    await stores.keyJobs.insert(job);
    return job;
  }

  return {
    /** Creates the new key version and its job (`createdBy` null: the server's own); the runner picks it up. */
    async rotate(
      createdBy: string | null,
      target: RotationTarget,
      event: Omit<AuditInput, 'action' | 'outcome' | 'resource'>,
    ): Promise<KeyJobRow> {
      const collection =
        target.target === 'collection' ? await deps.collections.get(target.collection) : null;
      if (collection === null) await deps.keys.reloadMasters();
      let job: KeyJobRow;
      try {
        // The new version, its job and the audit event commit together.
        job = await deps.transactor.transaction(async (stores) => {
          const created =
            collection === null
              ? await rotateMaster(createdBy, stores)
              : await rotateCollection(
                  createdBy,
                  stores,
                  collection,
                  target.target === 'collection' && target.index,
                );
          await deps.audit.appendInTransaction(stores, [
            {
              ...event,
              action: 'key.rotate',
              resource: {
                ...(collection === null ? {} : { collection: collection.name }),
                recordId: `job:${created.id}`,
              },
              outcome: 'allowed',
            },
          ]);
          return created;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('KEY_JOB_RUNNING', { cause: err });
        throw err;
      }
      if (job.kind === 'master') await deps.keys.reloadMasters();
      deps.onJobCreated();
      return job;
    },
    /** One job; KEY_JOB_NOT_FOUND otherwise. */
    async get(id: string): Promise<KeyJobRow> {
      const job = await deps.stores.keyJobs.find(id);
      if (job === null) throw new AppError('KEY_JOB_NOT_FOUND');
      return job;
    },
    /** The newest jobs first. */
    list(): Promise<KeyJobRow[]> {
      return deps.stores.keyJobs.list(KEY_JOB_LIST_LIMIT);
    },
  };
}

export type KeyRotation = ReturnType<typeof createKeyRotation>;
