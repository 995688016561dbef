/**
 * Sealing and opening the values behind tokens (AES-256-GCM, `encryptField`, AAD from token-model.ts).
 * Invariants: a value from a record with a subject is sealed under that subject's data key, so erasing the subject
 * destroys it; any other value under the sealing key of the newest version of the vault-wide token key
 * (token-key-derivation.ts). A row whose subject was
 * erased or whose source record is gone (or erased) never yields a value, even if a concurrent tokenization wrote
 * it after the erasure or deletion removed the others.
 */
import { randomUUID } from 'node:crypto';
import { decryptField, encryptField } from '../../crypto/index.js';
import { isAppError } from '../../errors.js';
import type { Stores, TokenRow } from '../../storage/index.js';
import type { FieldValue } from '../../vault/index.js';
import type { KeyService } from '../key-service.js';
import { TOKEN_KEY_ID, type TokenKeys } from './token-keys.js';
import { type ResolvedValue, tokenAad } from './token-model.js';

export function createTokenSealing(deps: { keys: KeyService; tokenKeys: TokenKeys }) {
  /** The AES key of a token row: a subject's data key as it is, or the sealing key of a `t_vault` version. */
  const keyOf = (stores: Stores, keyId: string, keyVersion: number) =>
    keyId === TOKEN_KEY_ID
      ? deps.tokenKeys.sealingKey(stores.keys, keyVersion)
      : deps.keys.dataKey(stores.keys, { keyId, keyVersion });

  return {
    /** A new token row's id, key and sealed value for `resolved` (inside the transaction that inserts the row). */
    async seal(stores: Stores, resolved: ResolvedValue) {
      const keyId = resolved.keyId ?? TOKEN_KEY_ID;
      const keyVersion =
        resolved.keyId === null
          ? await deps.tokenKeys.sealingVersion(stores.keys)
          : await deps.keys.currentVersion(stores.keys, keyId);
      const id = randomUUID();
      const key = await keyOf(stores, keyId, keyVersion);
      const sealedValue = encryptField(
        key,
        JSON.stringify(resolved.value),
        tokenAad({ id, type: resolved.type, keyId, keyVersion }),
      );
      return { id, keyId, keyVersion, sealedValue };
    },

    /** The value behind `row`, or null when its subject was erased or its source record is gone. */
    async open(stores: Stores, row: TokenRow): Promise<FieldValue | null> {
      if (row.subjectHash !== null) {
        const subject = await stores.subjects.find(row.subjectHash);
        if (subject === null || subject.erasedAt !== null) return null;
      }
      if (row.recordId !== null && row.collectionId !== null) {
        const record = await stores.records.find(row.collectionId, row.recordId);
        if (record === null || record.erasedAt !== null) return null;
      }
      try {
        const key = await keyOf(stores, row.keyId, row.keyVersion);
        return JSON.parse(decryptField(key, row.sealedValue, tokenAad(row))) as FieldValue;
      } catch (error) {
        if (isAppError(error, 'SUBJECT_ERASED')) return null;
        throw error;
      }
    },
  };
}

export type TokenSealing = ReturnType<typeof createTokenSealing>;
