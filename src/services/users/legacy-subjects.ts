/**
 * Converts the clear subject ids of before migration 0006 (users.subject) into their stored form, once the root
 * key is here (a migration runs before unseal and cannot compute HMACs or seal): each becomes its keyed HMAC and a
 * copy sealed under the subject's key, or nothing when that subject was erased, and the clear column is set to
 * NULL. Runs as an unseal listener, before any data route is served, and again at each start (a no-op once done).
 * Invariants: one user per transaction, only while the column still holds the value read (a concurrent node
 * converts each user once); afterwards the database log is checkpointed, so no old page keeps a clear id.
 */
import { isAppError } from '../../errors.js';
import type { Transactor, UserStore } from '../../storage/index.js';
import type { UserSubjects } from './user-subject.js';

const BATCH = 200;

/** Converts every clear subject id; returns how many users were converted. */
export async function convertClearSubjects(deps: {
  transactor: Transactor;
  users: Pick<UserStore, 'listClearSubjects'>;
  subjects: Pick<UserSubjects, 'seal'>;
  checkpointLog: () => Promise<unknown>;
}): Promise<number> {
  let converted = 0;
  for (;;) {
    const batch = await deps.users.listClearSubjects(BATCH);
    if (batch.length === 0) break;
    for (const { id, subject } of batch) {
      await deps.transactor.transaction(async (stores) => {
        let stored = null;
        try {
          stored = await deps.subjects.seal(stores, id, subject);
        } catch (error) {
          // An erased person stays erased: the account keeps no trace of the id.
          if (!isAppError(error, 'SUBJECT_ERASED')) throw error;
        }
        if (await stores.users.replaceClearSubject(id, subject, stored)) converted += 1;
      });
    }
  }
  if (converted > 0) await deps.checkpointLog();
  return converted;
}
