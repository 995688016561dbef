/**
 * Sink cursors: per sink, the last event shipped (seq and chain hash). Invariant: `advance` only moves a cursor
 * forward, so two nodes shipping the same sink, or a slow retry, never move it back (they may ship an event twice:
 * delivery is at least once).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface AuditSinkCursorsTable {
  name: string;
  seq: number;
  hash: string;
  updated_at: number;
}

export function createAuditSinkCursors(database: Kysely<Database>) {
  // The table is declared here, next to its only queries (schema.ts holds the tables of several modules).
  const db = database.withTables<{ audit_sink_cursors: AuditSinkCursorsTable }>();
  return {
    /** The cursor of sink `name`, or null before it shipped anything. */
    async readSinkCursor(name: string): Promise<{ seq: number; hash: string } | null> {
      const row = await db
        .selectFrom('audit_sink_cursors')
        .select(['seq', 'hash'])
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? null : { seq: Number(row.seq), hash: row.hash };
    },
    /** Moves sink `name`'s cursor to `seq` (with its event's hash), unless it is already there or beyond. */
    async advanceSinkCursor(name: string, seq: number, hash: string, now: number): Promise<void> {
      await db
        .insertInto('audit_sink_cursors')
        .values({ name, seq, hash, updated_at: now })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ seq, hash, updated_at: now })
            .where('audit_sink_cursors.seq', '<', seq),
        )
        .execute();
    },
  };
}
