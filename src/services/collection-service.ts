/**
 * Collections: named sets of declared fields, each collection with its own data key (for records without a
 * subject) and its own blind index key. Definitions cannot change after creation, so they are cached per node.
 * Invariants: creating a collection and its two keys is one transaction (no orphan keys, no keyless collection).
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import { type CollectionRow, decodeFieldList, type Stores, type Transactor } from '../storage/index.js';
import { checkFieldDefinitions, type FieldDefinition, isFieldType } from '../vault/index.js';
import type { AuditInput, AuditTrail } from './audit/index.js';
import type { KeyService } from './key-service.js';
import { inAuditedTransaction } from './records/record-transaction.js';

export interface Collection {
  id: string;
  name: string;
  fields: FieldDefinition[];
  keyId: string;
  indexKeyId: string;
  createdAt: number;
}

/** Collections one server holds: bounds the collection list and the keys held in memory. */
export const MAX_COLLECTIONS = 1000;

export interface CollectionInput {
  name: string;
  fields: Array<{
    name: string;
    type: string;
    sensitive?: boolean;
    searchable?: boolean;
    required?: boolean;
  }>;
}

/** A collection as stored; definitions were checked when it was created. */
export function toCollection(row: CollectionRow): Collection {
  return {
    id: row.id,
    name: row.name,
    fields: decodeFieldList('collections.fields', row.fields).map(({ type, ...rest }) => {
      if (!isFieldType(type))
        throw new AppError('INTERNAL_ERROR', { message: 'stored column collections.fields is not valid' });
      return { ...rest, type };
    }),
    keyId: row.keyId,
    indexKeyId: row.indexKeyId,
    createdAt: row.createdAt,
  };
}

export function createCollectionService(deps: {
  transactor: Transactor;
  stores: Stores;
  keys: KeyService;
  audit: Pick<AuditTrail, 'appendInTransaction'>;
  clock: () => number;
}) {
  const cache = new Map<string, Collection>();

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
      const cached = cache.get(name);
      if (cached !== undefined) return cached;
      const row = await deps.stores.collections.findByName(name);
      if (row === null) throw new AppError('COLLECTION_NOT_FOUND');
      const collection = toCollection(row);
      if (cache.size >= 1000) cache.clear();
      cache.set(name, collection);
      return collection;
    },
    /** The collection with this id, or null. */
    async getById(id: string): Promise<Collection | null> {
      for (const cached of cache.values()) if (cached.id === id) return cached;
      const row = await deps.stores.collections.findById(id);
      return row === null ? null : toCollection(row);
    },
    async list(): Promise<Collection[]> {
      return (await deps.stores.collections.list()).map(toCollection);
    },
  };
}

export type CollectionService = ReturnType<typeof createCollectionService>;
