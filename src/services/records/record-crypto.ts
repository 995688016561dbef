/**
 * Encryption of record values and their blind indexes.
 * Invariants: every sensitive value (and the subject id) is encrypted with AES-256-GCM under the record's data key
 * version, bound by AAD to collection id, record id, field name, key id and version (crypto/envelope.ts), so a
 * ciphertext moved to another record or field fails; values are JSON-encoded first, so types survive the round trip.
 * Blind indexes use one key per collection, field and index-key version (crypto/blind-index.ts, which documents
 * what an index leaks); searches compute a candidate for every live index version, so a search during an index
 * rotation finds records on either version. Indexes hold a value's equality form (emails without case) under
 * index key versions of scheme 2; scheme-1 versions (made before) hold values as written until rebuilt
 * (key-jobs/email-reindex.ts starts that rebuild for collections with searchable emails).
 * Threats addressed: a dump of the records table revealing values or allowing ciphertexts to be swapped.
 */
import { blindIndexKey, computeBlindIndex, decryptField, encryptField } from '../../crypto/index.js';
import type { BlindIndexRow, KeyStore } from '../../storage/index.js';
import { equalityForm, type FieldDefinition, type FieldType, type FieldValue } from '../../vault/index.js';
import type { DataKeyRef, KeyService } from '../key-service.js';

/** The `field` name under which a record's subject id is encrypted (not a valid field name, so no clash). */
export const SUBJECT_FIELD = '$subject';

export interface RecordLocation extends DataKeyRef {
  collectionId: string;
  recordId: string;
}

/**
 * The text blind-indexed, filtered on and compared for a normalized value of `type`: canonical JSON of its
 * equality form (emails without case), identical on write and search.
 */
export function indexedText(type: FieldType, value: FieldValue): string {
  return JSON.stringify(equalityForm(type, value));
}

/** What index key versions of scheme 1 (before data_keys.scheme) indexed: the value as written. */
function legacyIndexedText(value: FieldValue): string {
  return JSON.stringify(value);
}

/** The AAD of one field's ciphertext: binds it to its collection, record, field and key version. */
function fieldAad(at: RecordLocation, field: string) {
  return {
    collection: at.collectionId,
    recordId: at.recordId,
    field,
    keyId: at.keyId,
    keyVersion: at.keyVersion,
  };
}

export function createRecordCrypto(deps: { keys: KeyService }) {
  const fieldIndexKeys = new Map<string, Buffer>();

  async function indexKey(
    store: KeyStore,
    indexKeyId: string,
    version: number,
    collectionId: string,
    field: string,
  ) {
    const id = `${indexKeyId}\u0000${version}\u0000${field}`;
    let key = fieldIndexKeys.get(id);
    if (key === undefined) {
      const root = await deps.keys.dataKey(store, { keyId: indexKeyId, keyVersion: version });
      key = blindIndexKey(root, { collection: collectionId, field, version });
      if (fieldIndexKeys.size >= 10_000) fieldIndexKeys.clear();
      fieldIndexKeys.set(id, key);
    }
    return key;
  }

  const isLegacy = async (store: KeyStore, indexKeyId: string, version: number) =>
    (await deps.keys.scheme(store, { keyId: indexKeyId, keyVersion: version })) < 2;

  return {
    async seal(
      store: KeyStore,
      at: RecordLocation,
      values: Record<string, FieldValue>,
    ): Promise<Record<string, string>> {
      const dataKey = await deps.keys.dataKey(store, at);
      const sealed: Record<string, string> = {};
      for (const [field, value] of Object.entries(values)) {
        sealed[field] = encryptField(dataKey, JSON.stringify(value), fieldAad(at, field));
      }
      return sealed;
    },
    /** Decrypts the named fields (all when `only` is undefined). Throws on any tampered or misplaced value. */
    async open(
      store: KeyStore,
      at: RecordLocation,
      sealed: Record<string, string>,
      only?: ReadonlySet<string>,
    ): Promise<Record<string, FieldValue>> {
      const dataKey = await deps.keys.dataKey(store, at);
      const values: Record<string, FieldValue> = {};
      for (const [field, ciphertext] of Object.entries(sealed)) {
        if (only !== undefined && !only.has(field)) continue;
        const text = decryptField(dataKey, ciphertext, fieldAad(at, field));
        values[field] = JSON.parse(text) as FieldValue;
      }
      return values;
    },
    /**
     * Moves a record's values (and its sealed subject id) from key version `from` to `to`, with `changes` merged
     * into the values first: the one path by which an update and the rotation job re-encrypt a record.
     */
    async reseal(
      store: KeyStore,
      from: RecordLocation,
      to: RecordLocation,
      record: { sealed: Record<string, string>; subjectSealed: string | null },
      changes: Record<string, FieldValue> = {},
    ): Promise<{ sealed: Record<string, string>; subjectSealed: string | null }> {
      const values = { ...(await this.open(store, from, record.sealed)), ...changes };
      const sealed = await this.seal(store, to, values);
      if (record.subjectSealed === null) return { sealed, subjectSealed: null };
      const subject = await this.open(store, from, { [SUBJECT_FIELD]: record.subjectSealed });
      return { sealed, subjectSealed: (await this.seal(store, to, subject))[SUBJECT_FIELD] ?? null };
    },
    /** Blind index rows for the searchable fields among `values`, under index version `version`. */
    async indexes(
      store: KeyStore,
      collection: { id: string; indexKeyId: string },
      version: number,
      definitions: readonly FieldDefinition[],
      values: Record<string, FieldValue>,
    ): Promise<BlindIndexRow[]> {
      const rows: BlindIndexRow[] = [];
      for (const definition of definitions) {
        const value = values[definition.name];
        if (!definition.searchable || value === undefined) continue;
        const key = await indexKey(store, collection.indexKeyId, version, collection.id, definition.name);
        const text = (await isLegacy(store, collection.indexKeyId, version))
          ? legacyIndexedText(value)
          : indexedText(definition.type, value);
        rows.push({ field: definition.name, indexVersion: version, value: computeBlindIndex(key, text) });
      }
      return rows;
    },
    /**
     * The index value of `value` under each of `versions` (the live index key versions): a scheme-1 version
     * indexed values as written, so it is looked up with the value as given (an email in its case) until the index
     * job of that collection has moved its records to a newer version.
     */
    async candidates(
      store: KeyStore,
      collection: { id: string; indexKeyId: string },
      versions: readonly number[],
      definition: Pick<FieldDefinition, 'name' | 'type'>,
      value: FieldValue,
    ): Promise<Array<{ indexVersion: number; value: string }>> {
      const out: Array<{ indexVersion: number; value: string }> = [];
      for (const version of versions) {
        const key = await indexKey(store, collection.indexKeyId, version, collection.id, definition.name);
        const text = (await isLegacy(store, collection.indexKeyId, version))
          ? legacyIndexedText(value)
          : indexedText(definition.type, value);
        out.push({ indexVersion: version, value: computeBlindIndex(key, text) });
      }
      return out;
    },
  };
}

export type RecordCrypto = ReturnType<typeof createRecordCrypto>;
