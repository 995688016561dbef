/** A collection as services use it, and its stored form decoded (definitions were checked when stored). */
import { AppError } from '../errors.js';
import { type CollectionRow, decodeFieldList } from '../storage/index.js';
import { type FieldDefinition, isFieldType } from '../vault/index.js';

export interface Collection {
  id: string;
  name: string;
  fields: FieldDefinition[];
  keyId: string;
  indexKeyId: string;
  createdAt: number;
}

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
