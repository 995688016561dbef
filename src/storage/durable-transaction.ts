/**
 * Transactions that commit durably, for the audit trail's batches (whose callers answer only once they commit).
 * SQLite runs WAL with `synchronous = NORMAL`: the commit writes the log, and fsyncing the `-wal` file makes it
 * (and every commit before it) durable; without a file, the batch commits with `synchronous = FULL`.
 * PostgreSQL: `synchronous_commit = on` for the transaction.
 */
import fs from 'node:fs/promises';
import { type Kysely, sql } from 'kysely';
import type { DatabaseKind } from './database.js';
import type { Database } from './schema.js';

const SQLITE_FULL = 2;

/** fsync of a file by path (a fresh descriptor each time: the log may have been reset or recreated). */
async function syncFile(file: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    // No log left: a checkpoint moved it into the database file and synced both before removing it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Runs `work` in a transaction that is durable once this resolves. */
export async function runDurably<T>(
  db: Kysely<Database>,
  kind: DatabaseKind,
  sqliteFile: string | null,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (kind === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = on`.execute(trx);
      return work(trx);
    });
  }
  const walFile = sqliteFile === null ? null : `${sqliteFile}-wal`;
  if (walFile !== null) {
    const result = await db.transaction().execute(work);
    await syncFile(walFile);
    return result;
  }
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(conn);
    const level = rows[0]?.synchronous ?? 1;
    if (level >= SQLITE_FULL) return conn.transaction().execute(work);
    await sql`pragma synchronous = FULL`.execute(conn);
    try {
      return await conn.transaction().execute(work);
    } finally {
      await sql.raw(`pragma synchronous = ${Number(level)}`).execute(conn);
    }
  });
}
