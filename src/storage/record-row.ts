import type { Database } from './schema.js';

export interface RecordRow {
  id: string;
  collectionId: string;
  subjectHash: string | null;
  subjectSealed: string | null;
  keyId: string;
  keyVersion: number;
  /** JSON object of non-sensitive values. */
  plainFields: string;
  /** JSON object of `sr1:` ciphertexts. */
  sealedFields: string;
  revision: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  erasedAt: number | null;
}

export interface AttributeRow {
  field: string;
  value: string;
}

export interface BlindIndexRow {
  field: string;
  indexVersion: number;
  value: string;
}

export type RecordChange = Pick<
  RecordRow,
  'subjectSealed' | 'keyId' | 'keyVersion' | 'plainFields' | 'sealedFields' | 'updatedAt'
>;

export function toRecordRow(r: Database['records']): RecordRow {
  return {
    id: r.id,
    collectionId: r.collection_id,
    subjectHash: r.subject_hash,
    subjectSealed: r.subject_sealed,
    keyId: r.key_id,
    keyVersion: r.key_version,
    plainFields: r.plain_fields,
    sealedFields: r.sealed_fields,
    revision: r.revision,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    erasedAt: r.erased_at,
  };
}
