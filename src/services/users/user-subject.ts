/**
 * A user's subject id (the person the account is, compared by `$actor.subject` policy conditions), as the users
 * table holds it: the keyed HMAC the subjects and records tables use (`subject-id/v1`), and a copy sealed under the
 * subject's own data key for the API to show.
 * Invariants: the id is never stored in clear; the sealed copy's AAD binds it to the user (`$users`, user id,
 * `subject`), so it cannot be moved to another account; linking a user to an erased subject is refused
 * (SUBJECT_ERASED, naming `subject`), like any new data of that subject; erasure destroys the subject key and
 * clears both columns (subject-service.ts), and a sealed copy whose key is gone reads as no subject.
 * Threats addressed: a database dump, backup or WAL page revealing who an account is, and an erased person staying
 * readable through their account. Not addressed: a caller allowed to manage users reading the id while it exists.
 */
import { decryptField, encryptField, parseFieldCiphertext } from '../../crypto/index.js';
import { isAppError } from '../../errors.js';
import type { KeyStore, StoredSubject, Stores } from '../../storage/index.js';
import type { KeyService } from '../key-service.js';
import type { SubjectService } from '../subject-service.js';

/** Where a user's sealed subject lives, for its AAD: no collection id has this form (they are UUIDs). */
const USERS = '$users';
const FIELD = 'subject';

export function createUserSubjects(deps: {
  subjects: Pick<SubjectService, 'hash' | 'keyFor'>;
  keys: Pick<KeyService, 'dataKey' | 'currentVersion'>;
  /** Where reads outside a transaction find the subject's data key. */
  store: KeyStore;
}) {
  return {
    /** The HMAC of `subject` (what `$actor.subject` conditions compare). */
    hash: (subject: string): string => deps.subjects.hash(subject),

    /**
     * The stored form of `subject` for user `userId`: its HMAC and a copy sealed under the subject's data key
     * (created on first use). Call inside a transaction; SUBJECT_ERASED for an erased subject.
     */
    async seal(stores: Stores, userId: string, subject: string): Promise<StoredSubject> {
      const hash = deps.subjects.hash(subject);
      const keyId = await deps.subjects.keyFor(stores, hash);
      const keyVersion = await deps.keys.currentVersion(stores.keys, keyId);
      const dataKey = await deps.keys.dataKey(stores.keys, { keyId, keyVersion });
      const sealed = encryptField(dataKey, subject, {
        collection: USERS,
        recordId: userId,
        field: FIELD,
        keyId,
        keyVersion,
      });
      return { hash, sealed };
    },

    /** The subject id of user `userId`, or null when none is set or its subject was erased (key destroyed). */
    async open(userId: string, stored: StoredSubject | null): Promise<string | null> {
      if (stored === null) return null;
      const { keyId, keyVersion } = parseFieldCiphertext(stored.sealed);
      try {
        const dataKey = await deps.keys.dataKey(deps.store, { keyId, keyVersion });
        return decryptField(dataKey, stored.sealed, {
          collection: USERS,
          recordId: userId,
          field: FIELD,
          keyId,
          keyVersion,
        });
      } catch (error) {
        // Erased between the read of the user and of its key: the id is gone, as it will be from the row.
        if (isAppError(error) && error.code === 'SUBJECT_ERASED') return null;
        throw error;
      }
    },
  };
}

export type UserSubjects = ReturnType<typeof createUserSubjects>;
