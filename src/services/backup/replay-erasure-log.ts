/**
 * `strongroom backup replay-erasures`: replays an erasure log on a database restored by other means (a PostgreSQL
 * `pg_restore`), before any node starts on it. The log must continue the restored database's own audit head
 * (erasure-log.ts), so it refuses a database that has moved on since (one already serving) and a log of another
 * chain; the replay is erasure-replay.ts's, in one transaction with its audit events.
 */
import type { DatabaseOptions } from '../../storage/index.js';
import { createPersistence, migrateToLatest, openDatabase } from '../../storage/index.js';
import { type ErasureLog, readErasureLog } from './erasure-log.js';
import { type ReplayResult, replayErasures } from './erasure-replay.js';

/** Replays the erasure log in `file` on the configured database. */
export async function replayErasureLog(
  options: DatabaseOptions,
  file: string,
  clock: () => number = Date.now,
): Promise<{ log: ErasureLog; replayed: ReplayResult }> {
  const database = await openDatabase(options);
  try {
    await migrateToLatest(database.db as never);
    const persistence = createPersistence(database);
    const head = await persistence.stores.audit.readHead();
    const log = await readErasureLog(file, { seq: Number(head.seq), hash: head.hash });
    return { log, replayed: await replayErasures(persistence, log, clock) };
  } finally {
    await database.close();
  }
}
