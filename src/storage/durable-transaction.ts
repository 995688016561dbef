/**
 * Transactions that commit durably, for the audit trail's batches (whose callers answer only once they commit).
 * SQLite runs WAL with `synchronous = NORMAL`: the commit writes the log, and fsyncing the `-wal` file (wal-sync.ts)
 * makes it (and every commit before it) durable; without a log sync, the batch commits with `synchronous = FULL`.
 * PostgreSQL: `synchronous_commit = on` for the transaction.
 */
import { type Kysely, sql } from 'kysely';
import type { DatabaseKind } from './database.js';
import type { Database } from './schema.js';

const SQLITE_FULL = 2;

/** Runs `work` in a transaction that is durable once this resolves (`syncLog`: SQLite's log, wal-sync.ts). */
export async function runDurably<T>(
  db: Kysely<Database>,
  kind: DatabaseKind,
  syncLog: (() => Promise<void>) | null,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (kind === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = on`.execute(trx);
      return work(trx);
    });
  }
  if (syncLog !== null) {
    const result = await db.transaction().execute(work);
    await syncLog();
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
