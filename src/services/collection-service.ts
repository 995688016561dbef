/**
 * Collections: named sets of declared fields, each collection with its own data key (for records without a
 * subject) and its own blind index key. Definitions only grow (an optional field added) or go (a drop), see
 * collection-changes.ts; each node caches them for CACHE_TTL_MS, by name and by id, ids that name no collection
 * included (collection-cache.ts), and forgets its own entry at once on a change.
 * Invariants: creating a collection and its two keys is one transaction (no orphan keys, no keyless collection).
 * Not addressed: another node may answer from the previous definition for up to CACHE_TTL_MS after a change (a
 * field added there is refused as unknown meanwhile). A dropped collection's records are gone for every node, and
 * a record request on a definition cached from before the drop answers COLLECTION_NOT_FOUND as for any unknown
 * collection, changing nothing (services/records/live-collection.ts).
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import type { CollectionRow, Stores, Transactor } from '../storage/index.js';
import { checkFieldDefinitions } from '../vault/index.js';
import type { AuditInput, AuditTrail } from './audit/index.js';
import { createCollectionCache } from './collection-cache.js';
import { createCollectionChanges } from './collection-changes.js';
import { type Collection, type CollectionInput, toCollection } from './collection-model.js';
import type { KeyService } from './key-service.js';
import { inAuditedTransaction } from './records/record-transaction.js';

export { type Collection, type CollectionInput, toCollection } from './collection-model.js';

/** Collections one server holds: bounds the collection list and the keys held in memory. */
export const MAX_COLLECTIONS = 1000;

/** How long a node answers from its cached definition of a collection another node may have changed. */
export const CACHE_TTL_MS = 2000;

export function createCollectionService(deps: {
  transactor: Transactor;
  stores: Stores;
  keys: KeyService;
  audit: Pick<AuditTrail, 'appendInTransaction'>;
  clock: () => number;
  /** Runs after a drop commits (Persistence.checkpointLog, retried by the log checkpointer). */
  checkpointLog?: () => Promise<void>;
}) {
  const cache = createCollectionCache({
    clock: deps.clock,
    ttlMs: CACHE_TTL_MS,
    maxEntries: MAX_COLLECTIONS,
  });
  const changes = createCollectionChanges({ ...deps, forgetCached: cache.forget });

  return {
    /** Creates the collection and its keys; commits with its audit event (`event` says who asked). */
    async create(
      createdBy: string,
      input: CollectionInput,
      event: Omit<AuditInput, 'action' | 'outcome' | 'resource'> = { actor: `user:${createdBy}` },
    ): Promise<Collection> {
      const fields = checkFieldDefinitions(input.fields);
      const id = randomUUID();
      const compact = id.replaceAll('-', '');
      const row: CollectionRow = {
        id,
        name: input.name,
        fields: JSON.stringify(fields),
        keyId: `c_${compact}`,
        indexKeyId: `i_${compact}`,
        createdBy,
        createdAt: deps.clock(),
      };
      await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
        await stores.collections.lockForCreate();
        if ((await stores.collections.list()).length >= MAX_COLLECTIONS) {
          throw new AppError('COLLECTION_LIMIT_REACHED');
        }
        if (!(await stores.collections.insert(row)))
          throw new AppError('COLLECTION_EXISTS', { field: 'name' });
        await deps.keys.createDataKey(stores.keys, row.keyId, 'collection');
        await deps.keys.createDataKey(stores.keys, row.indexKeyId, 'index');
        return [
          { ...event, action: 'collection.create', resource: { collection: row.name }, outcome: 'allowed' },
        ];
      });
      return toCollection(row);
    },
    /** The collection named `name`; COLLECTION_NOT_FOUND otherwise. */
    async get(name: string): Promise<Collection> {
      const cached = cache.byName(name);
      if (cached !== undefined) return cached;
      const row = await deps.stores.collections.findByName(name);
      if (row === null) {
        cache.forget(name);
        throw new AppError('COLLECTION_NOT_FOUND');
      }
      const collection = toCollection(row);
      cache.remember(collection);
      return collection;
    },
    /**
     * The collection with this id, or null. An id that names nothing is cached like one that names a collection,
     * so both cost the same: one read per CACHE_TTL_MS.
     */
    async getById(id: string): Promise<Collection | null> {
      const cached = cache.byId(id);
      if (cached !== undefined) return cached;
      const row = await deps.stores.collections.findById(id);
      if (row === null) {
        cache.rememberMissing(id);
        return null;
      }
      const collection = toCollection(row);
      cache.remember(collection);
      return collection;
    },
    async list(): Promise<Collection[]> {
      return (await deps.stores.collections.list()).map(toCollection);
    },
    ...changes,
  };
}

export type CollectionService = ReturnType<typeof createCollectionService>;
