/**
 * Blind index key rotation: gives every record blind index rows under the newest index key version and drops its
 * rows under older versions, then retires the old versions.
 * Invariants: searches compute candidates for every live index version (records/record-search.ts), so a record is found
 * whether the job has reached it or not; a record's new rows replace its old ones in one transaction, guarded by
 * its revision (a concurrent write, which indexes under the newest version, wins and the record is skipped); an
 * old index version is retired only when no blind index row uses it.
 * Threats addressed: search results missing records during a rotation; an old index key kept after rotation.
 */
import type { BlindIndexRow, RecordRow, Stores, Transactor } from '../../storage/index.js';
import { type Collection, toCollection } from '../collection-service.js';
import type { KeyService } from '../key-service.js';
import { contentOf, openFieldsOf, type RecordCrypto } from '../records/index.js';
import { commitBatch, type JobHandler, retireVersionsBelow } from './job-handler.js';

interface IndexedCollection extends Collection {
  searchable: string[];
}

export function createIndexRebuild(deps: {
  transactor: Transactor;
  stores: Stores;
  keys: KeyService;
  crypto: RecordCrypto;
}): JobHandler {
  async function collectionOf(stores: Stores, job: { keyId: string | null }): Promise<IndexedCollection> {
    const row = job.keyId === null ? null : await stores.collections.findByKeyId(job.keyId);
    if (row === null || row.indexKeyId !== job.keyId) throw new Error('index key job without its collection');
    const collection = toCollection(row);
    return { ...collection, searchable: collection.fields.filter((f) => f.searchable).map((f) => f.name) };
  }

  async function indexesOf(collection: IndexedCollection, row: RecordRow, version: number) {
    const values = await openFieldsOf(deps.crypto, deps.stores.keys, row, new Set(collection.searchable));
    return deps.crypto.indexes(deps.stores.keys, collection, version, collection.fields, values);
  }

  return {
    async prepare() {},
    async batch(job, cursor, limit, commit) {
      const collection = await collectionOf(deps.stores, job);
      const rows = await deps.stores.recordQueries.listWithOldIndex(
        collection.id,
        job.toVersion,
        cursor,
        limit,
      );
      const last = rows[rows.length - 1];
      if (last === undefined) return 0;
      const version = await deps.keys.currentVersion(deps.stores.keys, collection.indexKeyId);
      const rebuilt: Array<{ row: RecordRow; indexes: BlindIndexRow[] }> = [];
      for (const row of rows) rebuilt.push({ row, indexes: await indexesOf(collection, row, version) });
      return commitBatch(
        deps.transactor,
        commit,
        { cursor: last.id, passed: rows.length },
        async (stores) => {
          for (const { row, indexes } of rebuilt) {
            // Bumping the revision orders this rewrite against concurrent writes of the same record.
            const unchanged = await stores.records.update(row.id, row.revision, contentOf(row));
            if (!unchanged) continue;
            await stores.records.replaceSideTables(row, {
              fields: [],
              attributes: [],
              indexedFields: collection.searchable,
              indexes,
            });
          }
        },
      );
    },
    async remaining(stores, job) {
      const collection = await collectionOf(stores, job);
      return stores.recordQueries.countRecordsWithOldIndex(collection.id, job.toVersion);
    },
    async retire(stores, job, now) {
      const collection = await collectionOf(stores, job);
      await retireVersionsBelow(stores, collection.indexKeyId, job.toVersion, now);
    },
    async afterRetire() {},
  };
}
