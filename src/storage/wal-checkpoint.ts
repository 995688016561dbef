/**
 * Moving what was erased out of the write-ahead log, so that no old page keeps it.
 * SQLite (WAL mode): a committed change lives in `<db>-wal` until a checkpoint copies it into the database file;
 * the log keeps every older version of each page it holds (the row before the change included) until it is reset.
 * `PRAGMA wal_checkpoint(TRUNCATE)` copies every frame into the database file and truncates the log to zero bytes;
 * the database file itself keeps no old row contents because it runs with `secure_delete = ON` (database.ts). The
 * `-shm` file is an index of the log (page numbers and frame positions), never row contents.
 * PostgreSQL: an UPDATE leaves the old row version (a dead tuple) in the table's pages until VACUUM (or autovacuum)
 * prunes it, and the change is in the WAL segments (and any WAL archive or replica) until they are recycled. A
 * plain VACUUM makes the space reusable but does not promise to overwrite it; `VACUUM FULL` rewrites the table into
 * new files. Nothing here runs VACUUM (it cannot run inside a transaction, takes locks, and would be needed on
 * every table a value passed through): what erasure relies on there is crypto-shredding — the subject's data key
 * is destroyed, so a dead tuple or WAL record still holding a ciphertext or the old wrapped key needs the root key
 * and that old wrapped key together. Operators who must also shorten that window run VACUUM on `users`,
 * `data_keys`, `records`, `record_attributes`, `blind_indexes` and `tokens` after erasures (docs/erasure.md).
 */
import { type Kysely, sql } from 'kysely';
import type { DatabaseKind } from './database.js';
import type { Database } from './schema.js';

/**
 * SQLite: checkpoints the WAL into the database file and truncates it; false when another connection kept it from
 * completing (the log then still holds old pages). PostgreSQL: nothing to do here (see above), true.
 */
export async function checkpointLog(db: Kysely<Database>, kind: DatabaseKind): Promise<boolean> {
  if (kind === 'postgres') return true;
  const { rows } = await sql<{ busy: number; log: number; checkpointed: number }>`
    pragma wal_checkpoint(TRUNCATE)`.execute(db);
  const result = rows[0];
  // Not in WAL mode (an in-memory database): there is no log to hold anything.
  if (result === undefined || result.log === -1) return true;
  return result.busy === 0 && result.log === result.checkpointed;
}
