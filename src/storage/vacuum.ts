/**
 * PostgreSQL: an UPDATE leaves the row's old version (a dead tuple) in the table's pages until VACUUM prunes it,
 * so a value overwritten on purpose (a clear subject id converted to its HMAC) stays readable in the table files
 * until then. `vacuumTables` runs a plain VACUUM on the named tables right away, on a connection of the pool and
 * outside any transaction (VACUUM cannot run inside one). A plain VACUUM prunes the dead tuples and makes their
 * space reusable; it does not promise to overwrite it, and the WAL, its archive and replicas keep the change until
 * they are recycled (docs/erasure.md). SQLite needs nothing here: `secure_delete = ON` overwrites old cells and the
 * WAL is checkpointed (wal-checkpoint.ts).
 * Invariant: only table names from the closed list below reach the statement (no identifier comes from input).
 */
import { type Kysely, sql } from 'kysely';
import type { DatabaseKind } from './database.js';
import type { Database } from './schema.js';

/** The tables a service may ask to vacuum. */
export type VacuumTable = 'users';

const VACUUMABLE: ReadonlySet<VacuumTable> = new Set(['users']);

/** PostgreSQL: `VACUUM` the tables now and resolves true. SQLite: nothing to do, false. */
export async function vacuumTables(
  db: Kysely<Database>,
  kind: DatabaseKind,
  tables: readonly VacuumTable[],
): Promise<boolean> {
  if (kind !== 'postgres' || tables.length === 0) return false;
  for (const table of tables) if (!VACUUMABLE.has(table)) throw new TypeError('not a vacuumable table');
  // Names from the closed list, quoted; resolved in the connection's schema (its search_path).
  await sql`vacuum ${sql.raw(tables.map((t) => `"${t}"`).join(', '))}`.execute(db);
  return true;
}
