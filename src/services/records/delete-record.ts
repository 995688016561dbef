/**
 * Deleting a record. Invariants: a hidden record answers as a missing one; the policy decides `delete` on the
 * collection with the stored record's facts; a collection another node dropped answers
 * COLLECTION_NOT_FOUND; the deletion commits with its audit event or not at all.
 */
import { denialError } from '../authorizer.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import { holdLiveCollection } from './live-collection.js';
import { findVisibleRecord } from './record-lookup.js';
import { inAuditedTransaction } from './record-transaction.js';
import { type RecordWriteDeps, writeEvent } from './write-common.js';

export function createRecordDeletion(deps: Pick<RecordWriteDeps, 'transactor' | 'access' | 'audit'>) {
  return async function deleteRecord(caller: Caller, collection: Collection, id: string): Promise<void> {
    await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
      // Another node may have dropped the collection since this one cached it (live-collection.ts).
      await holdLiveCollection(stores, collection);
      // An erased record (a tombstone) may still be deleted.
      const { facts } = await findVisibleRecord(stores.records, deps.access, caller, collection, id, {
        allowErased: true,
      });
      const decision = deps.access.collection(caller, 'delete', collection, facts);
      if (!decision.allow) throw denialError(decision);
      await stores.records.delete(collection.id, id);
      return [writeEvent(caller, 'record.delete', collection, id, [], facts.subjectHash)];
    });
  };
}
