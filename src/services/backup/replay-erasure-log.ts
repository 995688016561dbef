/**
 * `strongroom backup replay-erasures`: replays an erasure log on a database restored by other means (a PostgreSQL
 * `pg_restore`), before any node starts on it. The log must continue the restored database's own audit head
 * (erasure-log.ts) and end at the live trail's head as the operator states it (`expectHead`), so it refuses a
 * database that has moved on since (one already serving), a log of another chain, and a log cut short or
 * rewritten; the replay is erasure-replay.ts's, in one transaction with its audit events.
 */
import type { DatabaseOptions } from '../../storage/index.js';
import { createPersistence, migrateToLatest, openDatabase } from '../../storage/index.js';
import { type AuditHead, type ErasureLog, readErasureLog } from './erasure-log.js';
import { type ReplayResult, replayErasures } from './erasure-replay.js';

/** Replays the erasure log in `file`, which must end at `expectHead`, on the configured database. */
export async function replayErasureLog(
  options: DatabaseOptions,
  erasures: { file: string; expectHead: AuditHead },
  clock: () => number = Date.now,
): Promise<{ log: ErasureLog; replayed: ReplayResult }> {
  const database = await openDatabase(options);
  try {
    await migrateToLatest(database.db as never);
    const persistence = createPersistence(database);
    const head = await persistence.stores.audit.readHead();
    const log = await readErasureLog(
      erasures.file,
      { seq: Number(head.seq), hash: head.hash },
      erasures.expectHead,
    );
    return { log, replayed: await replayErasures(persistence, log, clock) };
  } finally {
    await database.close();
  }
}
