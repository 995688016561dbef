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

/** Runs work in one transaction: every write through the given stores commits together or none does. */
export interface Transactor {
  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T>;
}

export interface Persistence extends Transactor {
  kind: DatabaseKind;
  /** Stores bound to the root connection (each call its own statement). */
  stores: Stores;
  /** A transaction for audit appends that is durable once it resolves (see durable-transaction.ts). */
  durableTransaction<T>(work: (audit: AuditStore) => Promise<T>): Promise<T>;
}

/** Runs `work` in one transaction with stores bound to it. */
export function inTransaction<T>(
  db: Kysely<Database>,
  kind: DatabaseKind,
  work: (stores: Stores) => Promise<T>,
): Promise<T> {
  return db.transaction().execute((trx) => work(createStores(trx, kind)));
}

/** The persistence of an opened database. */
export function createPersistence(handle: Pick<DatabaseHandle, 'db' | 'kind' | 'sqliteFile'>): Persistence {
  const { db, kind } = handle;
  const sqliteFile = kind === 'sqlite' ? (handle.sqliteFile ?? null) : null;
  return {
    kind,
    stores: createStores(db, kind),
    transaction: (work) => inTransaction(db, kind, work),
    // Only the audit store: a batch commit builds nothing it does not use.
    durableTransaction: (work) =>
      runDurably(db, kind, sqliteFile, (trx) => work(createAuditStore(trx, kind))),
  };
}
