/**
 * Whether the collection a request resolved (from this node's cache, collection-cache.ts) still exists in the
 * database. Another node may have dropped it since this node cached its definition; a request on such a
 * definition must answer what a request on an unknown collection answers (404 COLLECTION_NOT_FOUND) and change
 * nothing, instead of reaching storage with it (a record insert failing its foreign key, a destroyed key read as
 * an erasure, an empty page or a missing record as if the collection were still there).
 * Invariants:
 * - a write (create, update, delete, tokenization of a field) holds off collection changes first
 *   (`holdAgainstChanges`, which a drop takes exclusively on PostgreSQL; SQLite serializes writers) and then
 *   reads the collection row in the same transaction: either the drop committed before, and the write answers
 *   COLLECTION_NOT_FOUND having written nothing, or the drop waits for the write to commit and then deletes what
 *   it wrote with the rest; a write racing a drop never leaves rows of a collection that is gone;
 * - a read checks only when its answer would say nothing is there (no such record, hidden or missing alike, or an
 *   empty page): rows found prove the collection was there when they were read (a drop deletes its rows and the
 *   collection in one transaction), and both hiding branches pay the same check (services/hidden-existence.ts).
 * Not addressed: a read answered from rows read just before a drop commits shows them, as it would on one node.
 */
import { AppError } from '../../errors.js';
import type { Stores } from '../../storage/index.js';
import type { Collection } from '../collection-service.js';

type Collections = Pick<Stores['collections'], 'findById'>;

/** COLLECTION_NOT_FOUND (naming `at.field` when given) unless `collection` still exists. */
export async function assertCollectionLive(
  collections: Collections,
  collection: Collection,
  at: { field?: string } = {},
): Promise<void> {
  if ((await collections.findById(collection.id)) === null) throw new AppError('COLLECTION_NOT_FOUND', at);
}

/** In a write's transaction, before anything is read or written: holds off a drop, then checks the collection. */
export async function holdLiveCollection(
  stores: Pick<Stores, 'collections'>,
  collection: Collection,
  at: { field?: string } = {},
): Promise<void> {
  await stores.collections.holdAgainstChanges();
  await assertCollectionLive(stores.collections, collection, at);
}

/** Runs a read; an answer of "nothing there" is COLLECTION_NOT_FOUND instead when the collection is gone. */
export async function readOfLiveCollection<T>(
  collections: Collections,
  collection: Collection,
  read: () => Promise<T>,
  isEmpty: (result: T) => boolean = () => false,
): Promise<T> {
  let result: T;
  try {
    result = await read();
  } catch (error) {
    if (error instanceof AppError && error.code === 'RECORD_NOT_FOUND') {
      await assertCollectionLive(collections, collection);
    }
    throw error;
  }
  if (isEmpty(result)) await assertCollectionLive(collections, collection);
  return result;
}
