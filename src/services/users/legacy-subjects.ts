/**
 * Converts the clear subject ids of before migration 0006 (users.subject) into their stored form, once the root
 * key is here (a migration runs before unseal and cannot compute HMACs or seal): each becomes its keyed HMAC and a
 * copy sealed under the subject's key, or nothing when that subject was erased, and the clear column is set to
 * NULL. Runs as an unseal listener, before any data route is served, and again at each start (a no-op once done).
 * Invariants: one user per transaction, only while the column still holds the value read (a concurrent node
 * converts each user once); afterwards the database log is checkpointed (SQLite) and, on PostgreSQL, `VACUUM users`
 * runs, so no old page of the WAL nor dead tuple of the table keeps a clear id (docs/erasure.md).
 * Threat not addressed: PostgreSQL's WAL segments, archives and replicas keep the change until they are recycled.
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
  /**
   * PostgreSQL: VACUUM the users table (outside any transaction), pruning the dead row versions that still hold
   * the clear ids; SQLite: nothing (secure_delete and the checkpoint above cover it).
   */
  vacuumUsers: () => Promise<unknown>;
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
  if (converted > 0) {
    await deps.checkpointLog();
    await deps.vacuumUsers();
  }
  return converted;
}
