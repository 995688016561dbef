/**
 * What a stored record row says about its ciphertexts: where they are bound (the AAD location: collection,
 * record, key id and version) and the sealed values themselves. Deriving the location from the row, in one place,
 * keeps readers, writers, tokenization and the key jobs from ever opening a value under another record's binding.
 */
import { decodeStringRecord, type KeyStore, type RecordChange, type RecordRow } from '../../storage/index.js';
import type { FieldValue } from '../../vault/index.js';
import type { RecordCrypto, RecordLocation } from './record-crypto.js';

type Located = Pick<RecordRow, 'id' | 'collectionId' | 'keyId' | 'keyVersion'>;

/** The location the row's values are sealed at (its key version as stored). */
export function locationOf(row: Located): RecordLocation {
  return { collectionId: row.collectionId, recordId: row.id, keyId: row.keyId, keyVersion: row.keyVersion };
}

/** The row's sealed values by field name (the subject id is kept apart, in `subjectSealed`). */
export function sealedFieldsOf(row: Pick<RecordRow, 'sealedFields'>): Record<string, string> {
  return decodeStringRecord('records.sealed_fields', row.sealedFields);
}

/** The row's content as stored: the base of a rewrite that changes only what it overrides. */
export function contentOf(row: RecordRow): RecordChange {
  return {
    subjectSealed: row.subjectSealed,
    keyId: row.keyId,
    keyVersion: row.keyVersion,
    plainFields: row.plainFields,
    sealedFields: row.sealedFields,
    updatedAt: row.updatedAt,
  };
}

/** Decrypts the row's values named in `only` (all when undefined); throws on any tampered or misplaced value. */
export function openFieldsOf(
  crypto: Pick<RecordCrypto, 'open'>,
  store: KeyStore,
  row: Located & Pick<RecordRow, 'sealedFields'>,
  only?: ReadonlySet<string>,
): Promise<Record<string, FieldValue>> {
  return crypto.open(store, locationOf(row), sealedFieldsOf(row), only);
}
