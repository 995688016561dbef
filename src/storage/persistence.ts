/**
 * What services get from storage: stores bound to the root connection, and transactions handing out stores bound
 * to them. Nothing outside `src/storage` sees the query builder or writes SQL.
 */
import type { Kysely } from 'kysely';
import { type AuditStore, createAuditStore } from './audit-store.js';
import type { DatabaseHandle, DatabaseKind } from './database.js';
import { runDurably } from './durable-transaction.js';
import type { Database } from './schema.js';
import { createStores, type Stores } from './stores.js';
import { type VacuumTable, vacuumTables } from './vacuum.js';
import { checkpointLog } from './wal-checkpoint.js';

const ROLLED_BACK: unique symbol = Symbol('rolled back');

/** A transaction's answer that rolls it back: the transaction resolves to `value` and nothing it wrote stays. */
export interface RolledBack<T> {
  readonly [ROLLED_BACK]: true;
  readonly value: T;
}

/** Returned from a transaction's work, rolls the transaction back and makes it resolve to `value`. */
export function rollBack<T>(value: T): RolledBack<T> {
  return { [ROLLED_BACK]: true, value };
}

function isRolledBack(value: unknown): value is RolledBack<unknown> {
  return typeof value === 'object' && value !== null && ROLLED_BACK in value;
}

/**
 * Runs work in one transaction: every write through the given stores commits together or none does. Work that
 * returns `rollBack(value)` undoes its writes and the transaction resolves to `value` (no exception for control
 * flow); work that throws rolls back and the transaction rejects with the error.
 */
export interface Transactor {
  transaction<T>(work: (stores: Stores) => Promise<T | RolledBack<T>>): Promise<T>;
}

export interface Persistence extends Transactor {
  kind: DatabaseKind;
  /** Stores bound to the root connection (each call its own statement). */
  stores: Stores;
  /** A transaction for audit appends that is durable once it resolves (see durable-transaction.ts). */
  durableTransaction<T>(work: (audit: AuditStore) => Promise<T>): Promise<T>;
  /**
   * After an erasure commits: SQLite checkpoints and truncates its WAL, so no old page keeps an erased value;
   * false when it could not complete. PostgreSQL: true, see wal-checkpoint.ts for what VACUUM means there.
   */
  checkpointLog(): Promise<boolean>;
  /** PostgreSQL: VACUUM these tables now, outside any transaction (vacuum.ts); SQLite: nothing, false. */
  vacuum(tables: readonly VacuumTable[]): Promise<boolean>;
}

/** Runs `work` in one transaction with stores bound to it. */
export async function inTransaction<T>(
  db: Kysely<Database>,
  kind: DatabaseKind,
  work: (stores: Stores) => Promise<T | RolledBack<T>>,
): Promise<T> {
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await work(createStores(trx, kind));
      // Kysely rolls back only when the callback throws: the marker is thrown here and caught below, nowhere else.
      if (isRolledBack(result)) throw result;
      return result;
    });
  } catch (error) {
    if (isRolledBack(error)) return error.value as T;
    throw error;
  }
}

/** The persistence of an opened database. */
export function createPersistence(handle: Pick<DatabaseHandle, 'db' | 'kind' | 'syncLog'>): Persistence {
  const { db, kind } = handle;
  const syncLog = kind === 'sqlite' ? handle.syncLog : null;
  return {
    kind,
    stores: createStores(db, kind),
    transaction: (work) => inTransaction(db, kind, work),
    // Only the audit store: a batch commit builds nothing it does not use.
    durableTransaction: (work) => runDurably(db, kind, syncLog, (trx) => work(createAuditStore(trx, kind))),
    checkpointLog: () => checkpointLog(db, kind),
    vacuum: (tables) => vacuumTables(db, kind, tables),
  };
}
