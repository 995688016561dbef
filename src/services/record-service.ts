/**
 * Writing records: create, partial update, delete. Values are checked against the collection (vault/), the policy
 * decides on the collection and on every written field, sensitive values are encrypted under the newest version of
 * the record's data key (the subject's, else the collection's), and the record, its filter attributes, blind
 * indexes and its audit event are written in one transaction.
 * Invariants: bad input and denials change nothing (all checks run before anything is written); a data change
 * commits with its audit event or not at all; a write never uses a data key version older than the newest, so a
 * running rotation only ever has old records left to move; an update that finds its record on an older key
 * version re-encrypts every value, so a record is always on exactly one version; concurrent writers (and the
 * rotation job) cannot overwrite each other (revision check, bounded retries, then 409).
 * Threats addressed: lost updates, values left under retired keys, half-written records, unaudited changes.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import type { Action } from '../policy/index.js';
import type { AttributeRow, RecordRow, Stores, Transactor } from '../storage/index.js';
import { checkRecordValues, type FieldValue } from '../vault/index.js';
import type { AuditTrail } from './audit/index.js';
import { denialError } from './authorizer.js';
import type { Collection } from './collection-service.js';
import type { KeyService } from './key-service.js';
import type { Caller, RecordAccess, RecordFacts } from './record-access.js';
import { indexedText, type RecordCrypto, SUBJECT_FIELD } from './record-crypto.js';
import { inAuditedTransaction } from './record-transaction.js';
import { holdSubject, type SubjectService } from './subject-service.js';

const MAX_UPDATE_ATTEMPTS = 3;
/** The actions a record's attributes can change the outcome of. */
const RECORD_ACTIONS: readonly Action[] = ['read', 'search', 'write', 'delete', 'tokenize', 'detokenize'];

function attributeRows(values: Record<string, FieldValue>): AttributeRow[] {
  return Object.entries(values).map(([field, value]) => ({ field, value: indexedText(value) }));
}

/** The facts the policy compares about a stored record. */
export function factsOf(row: Pick<RecordRow, 'createdBy' | 'subjectHash' | 'plainFields'>): RecordFacts {
  return {
    createdBy: row.createdBy,
    subjectHash: row.subjectHash,
    plain: JSON.parse(row.plainFields) as Record<string, FieldValue>,
  };
}

export function createRecordService(deps: {
  transactor: Transactor;
  keys: KeyService;
  crypto: RecordCrypto;
  subjects: SubjectService;
  access: RecordAccess;
  audit: AuditTrail;
  clock: () => number;
}) {
  /** Throws the denial of the first written field the policy refuses (collection-level first). */
  function assertWritable(
    caller: Caller,
    collection: Collection,
    facts: RecordFacts,
    fields: readonly string[],
  ) {
    const whole = deps.access.collection(caller, 'write', collection, facts);
    const decisions = deps.access.fields(caller, 'write', collection, facts, fields);
    for (const decision of [whole, ...decisions.values()])
      if (!decision.allow) throw denialError(decision.reason);
  }

  const event = (
    caller: Caller,
    action: 'record.create' | 'record.update' | 'record.delete',
    collection: Collection,
    id: string,
    fields: string[],
  ) => ({
    ...caller.audit,
    ...(caller.purpose === undefined ? {} : { purpose: caller.purpose }),
    action,
    resource: { collection: collection.name, recordId: id, fields },
    outcome: 'allowed' as const,
  });

  return {
    async create(
      caller: Caller,
      collection: Collection,
      input: { subject?: string; fields: Record<string, unknown> },
    ): Promise<{ id: string; revision: number; createdAt: number }> {
      const values = checkRecordValues(collection.fields, input.fields, {
        partial: false,
        path: 'body.fields',
      });
      const subjectHash = input.subject === undefined ? null : deps.subjects.hash(input.subject);
      const given = Object.keys({ ...values.plain, ...values.sensitive });
      const newCollectionRecord = deps.access.collection(caller, 'write', collection);
      if (!newCollectionRecord.allow) throw denialError(newCollectionRecord.reason);
      assertWritable(
        caller,
        collection,
        { createdBy: caller.actor.userId, subjectHash, plain: values.plain },
        given,
      );
      const id = randomUUID();
      const now = deps.clock();
      await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
        const keyId =
          subjectHash === null ? collection.keyId : await deps.subjects.keyFor(stores, subjectHash);
        const keyVersion = await deps.keys.currentVersion(stores.keys, keyId);
        const at = { collectionId: collection.id, recordId: id, keyId, keyVersion };
        const sealed = await deps.crypto.seal(stores.keys, at, values.sensitive);
        const subjectSealed =
          input.subject === undefined
            ? null
            : ((await deps.crypto.seal(stores.keys, at, { [SUBJECT_FIELD]: input.subject }))[SUBJECT_FIELD] ??
              null);
        const indexVersion = await deps.keys.currentVersion(stores.keys, collection.indexKeyId);
        const indexes = await deps.crypto.indexes(
          stores.keys,
          collection,
          indexVersion,
          collection.fields,
          values.sensitive,
        );
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
          attributeRows(values.plain),
          indexes,
        );
        return [event(caller, 'record.create', collection, id, given)];
      });
      return { id, revision: 1, createdAt: now };
    },

    async update(
      caller: Caller,
      collection: Collection,
      id: string,
      input: { fields: Record<string, unknown> },
    ): Promise<{ revision: number; updatedAt: number }> {
      const values = checkRecordValues(collection.fields, input.fields, {
        partial: true,
        path: 'body.fields',
      });
      for (let attempt = 1; ; attempt++) {
        let outcome: { revision: number; updatedAt: number } | null = null;
        await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
          outcome = await applyUpdate(stores, caller, collection, id, values);
          const fields = [...Object.keys(values.plain), ...Object.keys(values.sensitive), ...values.cleared];
          return outcome === null ? [] : [event(caller, 'record.update', collection, id, fields)];
        });
        if (outcome !== null) return outcome;
        if (attempt >= MAX_UPDATE_ATTEMPTS) throw new AppError('RECORD_CHANGED');
      }
    },

    async delete(caller: Caller, collection: Collection, id: string): Promise<void> {
      await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
        const record = await stores.records.find(collection.id, id);
        if (record === null) throw new AppError('RECORD_NOT_FOUND');
        if (deps.access.hidden(caller, collection, factsOf(record))) {
          throw new AppError('RECORD_NOT_FOUND', { refusal: true });
        }
        const decision = deps.access.collection(caller, 'delete', collection, factsOf(record));
        if (!decision.allow) throw denialError(decision.reason);
        await stores.records.delete(collection.id, id);
        return [event(caller, 'record.delete', collection, id, [])];
      });
    },
  };

  /**
   * Refuses an update that would switch off a deny rule for the caller: a deny conditioned on a record attribute
   * (e.g. `vip: true`) stops matching when the attribute changes, so changing it would open what the deny closes.
   */
  function assertNoDenyLifted(
    caller: Caller,
    collection: Collection,
    before: RecordFacts,
    after: RecordFacts,
  ): void {
    for (const action of RECORD_ACTIONS) {
      const was = [
        deps.access.collection(caller, action, collection, before),
        ...deps.access.fields(caller, action, collection, before).values(),
      ];
      const will = [
        deps.access.collection(caller, action, collection, after),
        ...deps.access.fields(caller, action, collection, after).values(),
      ];
      was.forEach((decision, i) => {
        const next = will[i];
        if (
          !decision.allow &&
          decision.reason === 'DENIED_BY_RULE' &&
          (next?.allow || next?.reason !== 'DENIED_BY_RULE')
        ) {
          throw new AppError('FORBIDDEN', {
            message: 'You are not allowed to do this: the change would lift a policy deny',
          });
        }
      });
    }
  }

  /** One attempt at an update; null when a concurrent write changed the record first. */
  async function applyUpdate(
    stores: Stores,
    caller: Caller,
    collection: Collection,
    id: string,
    values: ReturnType<typeof checkRecordValues>,
  ): Promise<{ revision: number; updatedAt: number } | null> {
    const record = await stores.records.find(collection.id, id);
    if (record === null) throw new AppError('RECORD_NOT_FOUND');
    const facts = factsOf(record);
    if (deps.access.hidden(caller, collection, facts))
      throw new AppError('RECORD_NOT_FOUND', { refusal: true });
    if (record.erasedAt !== null) throw new AppError('SUBJECT_ERASED');
    await holdSubject(stores, record.subjectHash);
    const written = [...Object.keys(values.plain), ...Object.keys(values.sensitive), ...values.cleared];
    assertWritable(caller, collection, facts, written);
    // The record as it will be must be writable too: an update cannot move a record where the caller may not write
    // (e.g. into another tenant by changing `tenant_id`).
    const nextPlain: Record<string, FieldValue> = { ...facts.plain, ...values.plain };
    for (const name of values.cleared) delete nextPlain[name];
    assertWritable(caller, collection, { ...facts, plain: nextPlain }, written);
    if (Object.keys(values.plain).length > 0 || values.cleared.length > 0) {
      assertNoDenyLifted(caller, collection, facts, { ...facts, plain: nextPlain });
    }
    const keyVersion = await deps.keys.currentVersion(stores.keys, record.keyId);
    const from = {
      collectionId: collection.id,
      recordId: id,
      keyId: record.keyId,
      keyVersion: record.keyVersion,
    };
    const to = { ...from, keyVersion };
    const oldSealed = JSON.parse(record.sealedFields) as Record<string, string>;
    const cleared = new Set(values.cleared);
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
    for (const name of cleared) delete sealed[name];
    const plain = nextPlain;
    const now = deps.clock();
    const updated = await stores.records.update(id, record.revision, {
      subjectSealed,
      keyId: record.keyId,
      keyVersion,
      plainFields: JSON.stringify(plain),
      sealedFields: JSON.stringify(sealed),
      updatedAt: now,
    });
    if (!updated) return null;
    const indexedFields = collection.fields
      .filter((f) => f.searchable && (f.name in values.sensitive || cleared.has(f.name)))
      .map((f) => f.name);
    const indexVersion = await deps.keys.currentVersion(stores.keys, collection.indexKeyId);
    const indexed = Object.fromEntries(
      indexedFields.flatMap((n) => (n in values.sensitive ? [[n, values.sensitive[n] as FieldValue]] : [])),
    );
    await stores.records.replaceSideTables(
      { id, collectionId: collection.id },
      {
        fields: collection.fields
          .filter((f) => !f.sensitive && (f.name in values.plain || cleared.has(f.name)))
          .map((f) => f.name),
        attributes: attributeRows(values.plain),
        indexedFields,
        indexes: await deps.crypto.indexes(stores.keys, collection, indexVersion, collection.fields, indexed),
      },
    );
    return { revision: record.revision + 1, updatedAt: now };
  }
}

export type RecordService = ReturnType<typeof createRecordService>;
