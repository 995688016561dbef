/**
 * Partial update of a record.
 * Invariants: all checks run before anything is written (the caller must be allowed to write the record as it is
 * and as it will be, and may not lift a deny by the change); a record found on an older data key version has every
 * value moved to the newest, as the rotation job would, so a record is always on exactly one version; concurrent
 * writers (and the key jobs) cannot overwrite each other: the write is conditioned on the revision it read, retried
 * a bounded number of times, then answered RECORD_CHANGED (409).
 * Threats addressed: lost updates, values left under retired keys, moving a record out of the caller's reach
 * (e.g. into another tenant by changing `tenant_id`).
 */
import { AppError } from '../../errors.js';
import type { RecordRow, Stores } from '../../storage/index.js';
import { checkRecordValues, type FieldValue } from '../../vault/index.js';
import type { Collection } from '../collection-service.js';
import { holdSubject } from '../subject-service.js';
import type { Caller } from './caller.js';
import { holdLiveCollection } from './live-collection.js';
import { findVisibleRecord } from './record-lookup.js';
import { inAuditedTransaction } from './record-transaction.js';
import { locationOf, sealedFieldsOf } from './stored-record.js';
import type { WriteChecks } from './write-checks.js';
import { attributeRows, currentIndexes, type RecordWriteDeps, writeEvent } from './write-common.js';

const MAX_UPDATE_ATTEMPTS = 3;

type CheckedValues = ReturnType<typeof checkRecordValues>;
type Updated = { revision: number; updatedAt: number };
/** An update that went through, with the subject of the record it changed (for its audit event). */
type Applied = { updated: Updated; subjectHash: string | null };

/** Every field the update names: set in plain, set sensitive, or cleared. */
function writtenFields(values: CheckedValues): string[] {
  return [...Object.keys(values.plain), ...Object.keys(values.sensitive), ...values.cleared];
}

/** The record's sealed values after the update, all under `keyVersion` (the newest). */
async function resealed(
  deps: Pick<RecordWriteDeps, 'crypto'>,
  stores: Stores,
  record: RecordRow,
  keyVersion: number,
  values: CheckedValues,
) {
  const from = locationOf(record);
  const to = { ...from, keyVersion };
  const oldSealed = sealedFieldsOf(record);
  let sealed: Record<string, string>;
  let subjectSealed = record.subjectSealed;
  if (keyVersion === record.keyVersion) {
    sealed = { ...oldSealed, ...(await deps.crypto.seal(stores.keys, to, values.sensitive)) };
  } else {
    // The record is on an older key version: move every value to the newest, as the rotation job would.
    const moved = await deps.crypto.reseal(
      stores.keys,
      from,
      to,
      { sealed: oldSealed, subjectSealed },
      values.sensitive,
    );
    sealed = moved.sealed;
    subjectSealed = moved.subjectSealed;
  }
  for (const name of values.cleared) delete sealed[name];
  return { sealed, subjectSealed };
}

/** Replaces the attributes and blind indexes of the fields the update set or cleared. */
async function rewriteSideTables(
  deps: Pick<RecordWriteDeps, 'keys' | 'crypto'>,
  stores: Stores,
  collection: Collection,
  id: string,
  values: CheckedValues,
) {
  const cleared = new Set(values.cleared);
  const indexedFields = collection.fields
    .filter((f) => f.searchable && (f.name in values.sensitive || cleared.has(f.name)))
    .map((f) => f.name);
  const indexed = Object.fromEntries(
    indexedFields.flatMap((n) => (n in values.sensitive ? [[n, values.sensitive[n] as FieldValue]] : [])),
  );
  const indexes = await currentIndexes(deps, stores.keys, collection, indexed);
  await stores.records.replaceSideTables(
    { id, collectionId: collection.id },
    {
      fields: collection.fields
        .filter((f) => !f.sensitive && (f.name in values.plain || cleared.has(f.name)))
        .map((f) => f.name),
      attributes: attributeRows(collection.fields, values.plain),
      indexedFields,
      indexes,
    },
  );
}

export function createRecordUpdate(deps: RecordWriteDeps, checks: WriteChecks) {
  /** One attempt at an update; null when a concurrent write changed the record first. */
  async function applyUpdate(
    stores: Stores,
    caller: Caller,
    collection: Collection,
    id: string,
    values: CheckedValues,
    expectedRevision: number | undefined,
  ): Promise<Applied | null> {
    // Another node may have dropped the collection since this one cached it (live-collection.ts).
    await holdLiveCollection(stores, collection);
    const { row: record, facts } = await findVisibleRecord(
      stores.records,
      deps.access,
      caller,
      collection,
      id,
    );
    await holdSubject(stores, record.subjectHash);
    const written = writtenFields(values);
    checks.assertWritable(caller, collection, facts, written);
    // The record as it will be must be writable too: an update cannot move a record where the caller may not write.
    const nextPlain: Record<string, FieldValue> = { ...facts.plain, ...values.plain };
    for (const name of values.cleared) delete nextPlain[name];
    checks.assertWritable(caller, collection, { ...facts, plain: nextPlain }, written);
    if (Object.keys(values.plain).length > 0 || values.cleared.length > 0) {
      checks.assertNoDenyLifted(caller, collection, facts, { ...facts, plain: nextPlain });
    }
    // If-Match: decided after visibility and the write checks (a hidden record answers 404 and a refused write 403,
    // never 412) and before anything is written, on every attempt: a change landing in between moved the revision.
    if (expectedRevision !== undefined && record.revision !== expectedRevision)
      throw new AppError('PRECONDITION_FAILED', { field: 'if-match' });
    const keyVersion = await deps.keys.currentVersion(stores.keys, record.keyId);
    const { sealed, subjectSealed } = await resealed(deps, stores, record, keyVersion, values);
    const now = deps.clock();
    const updated = await stores.records.update(id, record.revision, {
      subjectSealed,
      keyId: record.keyId,
      keyVersion,
      plainFields: JSON.stringify(nextPlain),
      sealedFields: JSON.stringify(sealed),
      updatedAt: now,
    });
    if (!updated) return null;
    await rewriteSideTables(deps, stores, collection, id, values);
    return { updated: { revision: record.revision + 1, updatedAt: now }, subjectHash: record.subjectHash };
  }

  return async function update(
    caller: Caller,
    collection: Collection,
    id: string,
    input: { fields: Record<string, unknown> },
    /** The revision the caller read (If-Match): PRECONDITION_FAILED, nothing changed, when it moved since. */
    expectedRevision?: number,
  ): Promise<Updated> {
    const values = checkRecordValues(collection.fields, input.fields, { partial: true, path: 'fields' });
    for (let attempt = 1; ; attempt++) {
      let outcome: Applied | null = null;
      await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
        const applied = await applyUpdate(stores, caller, collection, id, values, expectedRevision);
        outcome = applied;
        return applied === null
          ? []
          : [writeEvent(caller, 'record.update', collection, id, writtenFields(values), applied.subjectHash)];
      });
      if (outcome !== null) return (outcome as Applied).updated;
      if (attempt >= MAX_UPDATE_ATTEMPTS) throw new AppError('RECORD_CHANGED');
    }
  };
}
