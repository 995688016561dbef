/**
 * The facts policy conditions may compare about a record. They are always read from the stored row (creator,
 * keyed subject HMAC, non-sensitive values), never from a request, so a caller cannot claim a record is theirs.
 */
import { decodeScalarRecord, type RecordRow } from '../../storage/index.js';
import type { FieldValue } from '../../vault/index.js';

/** What conditions may compare about a record. */
export interface RecordFacts {
  createdBy: string | null;
  subjectHash: string | null;
  plain: Readonly<Record<string, FieldValue>>;
}

/** The facts the policy compares about a stored record. */
export function factsOf(row: Pick<RecordRow, 'createdBy' | 'subjectHash' | 'plainFields'>): RecordFacts {
  return {
    createdBy: row.createdBy,
    subjectHash: row.subjectHash,
    plain: decodeScalarRecord('records.plain_fields', row.plainFields),
  };
}
