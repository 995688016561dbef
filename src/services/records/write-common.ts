/**
 * What creating, updating and deleting a record share: their collaborators, the rows that make a record findable
 * (filter attributes in clear for non-sensitive values, blind indexes for searchable sensitive ones) and the audit
 * event every data change commits with.
 * Invariant: blind indexes are always computed under the newest index key version, so an index rotation only
 * ever has old rows left to rebuild.
 */
import type { AttributeRow, BlindIndexRow, KeyStore, Transactor } from '../../storage/index.js';
import type { FieldDefinition, FieldValue } from '../../vault/index.js';
import { type AuditInput, type AuditTrail, auditSubjectOf } from '../audit/index.js';
import type { Collection } from '../collection-service.js';
import type { KeyService } from '../key-service.js';
import type { SubjectService } from '../subject-service.js';
import type { Caller } from './caller.js';
import { allowedEvent } from './caller-audit.js';
import type { RecordAccess } from './record-access.js';
import { indexedText, type RecordCrypto } from './record-crypto.js';

export interface RecordWriteDeps {
  transactor: Transactor;
  keys: KeyService;
  crypto: RecordCrypto;
  subjects: SubjectService;
  access: RecordAccess;
  audit: AuditTrail;
  clock: () => number;
}

/**
 * The filter attributes of non-sensitive values: the canonical text of their equality form (emails without case),
 * the same the list filters and searches compare. The record itself keeps each value as written.
 */
export function attributeRows(
  definitions: readonly FieldDefinition[],
  values: Record<string, FieldValue>,
): AttributeRow[] {
  return Object.entries(values).map(([field, value]) => {
    const type = definitions.find((d) => d.name === field)?.type;
    if (type === undefined) throw new Error('attribute of a field the collection does not define');
    return { field, value: indexedText(type, value) };
  });
}

/** Blind index rows for the searchable fields among `values`, under the newest index key version. */
export async function currentIndexes(
  deps: Pick<RecordWriteDeps, 'keys' | 'crypto'>,
  store: KeyStore,
  collection: Collection,
  values: Record<string, FieldValue>,
): Promise<BlindIndexRow[]> {
  const version = await deps.keys.currentVersion(store, collection.indexKeyId);
  return deps.crypto.indexes(store, collection, version, collection.fields, values);
}

/** The audit event of an allowed change of record `id`, naming the fields written and the record's subject. */
export function writeEvent(
  caller: Caller,
  action: 'record.create' | 'record.update' | 'record.delete',
  collection: Collection,
  id: string,
  fields: string[],
  subjectHash: string | null,
): AuditInput {
  return {
    ...allowedEvent(caller, action, { collection: collection.name, recordId: id, fields }),
    ...(subjectHash === null ? {} : { subject: auditSubjectOf(subjectHash) }),
  };
}
