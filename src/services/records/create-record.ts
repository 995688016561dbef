/**
 * Creating a record.
 * Invariants: the values are checked and the collection and every given field decided before anything is written;
 * values and the subject id are sealed under the newest version of the record's data key (the subject's, created
 * on first use, else the collection's); the row, its filter attributes, blind indexes and audit event commit in
 * one transaction, in which the collection is first found still there (a drop on another node waits or wins).
 * Threats addressed: unaudited or half-written records, values under a retired key version.
 */
import { randomUUID } from 'node:crypto';
import type { Stores } from '../../storage/index.js';
import { checkRecordValues, type FieldValue } from '../../vault/index.js';
import { denialError } from '../authorizer.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import { holdLiveCollection } from './live-collection.js';
import { SUBJECT_FIELD } from './record-crypto.js';
import { inAuditedTransaction } from './record-transaction.js';
import type { WriteChecks } from './write-checks.js';
import { attributeRows, currentIndexes, type RecordWriteDeps, writeEvent } from './write-common.js';

export function createRecordCreation(deps: RecordWriteDeps, checks: WriteChecks) {
  /** The new record's values (and subject id) sealed under the newest version of its data key. */
  async function sealNew(
    stores: Stores,
    collection: Collection,
    id: string,
    subject: { id: string; hash: string } | null,
    sensitive: Record<string, FieldValue>,
  ) {
    const keyId = subject === null ? collection.keyId : await deps.subjects.keyFor(stores, subject.hash);
    const keyVersion = await deps.keys.currentVersion(stores.keys, keyId);
    const at = { collectionId: collection.id, recordId: id, keyId, keyVersion };
    const sealed = await deps.crypto.seal(stores.keys, at, sensitive);
    const subjectSealed =
      subject === null
        ? null
        : ((await deps.crypto.seal(stores.keys, at, { [SUBJECT_FIELD]: subject.id }))[SUBJECT_FIELD] ?? null);
    return { keyId, keyVersion, sealed, subjectSealed };
  }

  return async function create(
    caller: Caller,
    collection: Collection,
    input: { subject?: string; fields: Record<string, unknown> },
  ): Promise<{ id: string; revision: number; createdAt: number }> {
    const values = checkRecordValues(collection.fields, input.fields, {
      partial: false,
      path: 'fields',
    });
    const subject =
      input.subject === undefined ? null : { id: input.subject, hash: deps.subjects.hash(input.subject) };
    const subjectHash = subject?.hash ?? null;
    const given = Object.keys({ ...values.plain, ...values.sensitive });
    const newCollectionRecord = deps.access.collection(caller, 'write', collection);
    if (!newCollectionRecord.allow) throw denialError(newCollectionRecord);
    checks.assertWritable(
      caller,
      collection,
      { createdBy: caller.actor.userId, subjectHash, plain: values.plain },
      given,
    );
    const id = randomUUID();
    const now = deps.clock();
    await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
      // Another node may have dropped the collection since this one cached it (live-collection.ts).
      await holdLiveCollection(stores, collection);
      const { keyId, keyVersion, sealed, subjectSealed } = await sealNew(
        stores,
        collection,
        id,
        subject,
        values.sensitive,
      );
      const indexes = await currentIndexes(deps, stores.keys, collection, values.sensitive);
      await stores.records.insert(
        {
          id,
          collectionId: collection.id,
          subjectHash,
          subjectSealed,
          keyId,
          keyVersion,
          plainFields: JSON.stringify(values.plain),
          sealedFields: JSON.stringify(sealed),
          revision: 1,
          createdBy: caller.actor.userId,
          createdAt: now,
          updatedAt: now,
          erasedAt: null,
        },
        attributeRows(collection.fields, values.plain),
        indexes,
      );
      return [writeEvent(caller, 'record.create', collection, id, given, subjectHash)];
    });
    return { id, revision: 1, createdAt: now };
  };
}
