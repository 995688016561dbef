/**
 * Sink leases: which process ships each audit sink, and until when (services/audit/sink-runner.ts).
 * Invariants: a lease is taken or renewed by one conditional statement, so at most one holder's claim succeeds
 * while a lease runs; another holder gets it only after `lease_until` has passed (by the claimer's clock: nodes'
 * clocks must agree, the runner keeps a margin for it); a release only gives up a lease its holder still has.
 * A row lease, not a PostgreSQL advisory lock: it works the same on SQLite, its holder knows until when it may
 * ship without asking the database again, and a terminated connection does not drop it (an advisory lock would
 * be gone at once, while its holder might still be sending).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface AuditSinkLeasesTable {
  name: string;
  holder: string;
  lease_until: number;
  updated_at: number;
}

export function createAuditSinkLeases(database: Kysely<Database>) {
  // Declared here, next to its only queries, like audit_sink_cursors.
  const db = database.withTables<{ audit_sink_leases: AuditSinkLeasesTable }>();
  return {
    /** Takes or renews sink `name`'s lease for `holder` until `until`: true when `holder` now holds it. */
    async claimSinkLease(name: string, holder: string, now: number, until: number): Promise<boolean> {
      const taken = await db
        .updateTable('audit_sink_leases')
        .set({ holder, lease_until: until, updated_at: now })
        .where('name', '=', name)
        .where((eb) => eb.or([eb('holder', '=', holder), eb('lease_until', '<', now)]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return true;
      // No row yet (first run), or a lease held by another: of racing first claims, one insert wins.
      const inserted = await db
        .insertInto('audit_sink_leases')
        .values({ name, holder, lease_until: until, updated_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    /** Gives sink `name`'s lease up, if `holder` has it, so another node may ship at once (on shutdown). */
    async releaseSinkLease(name: string, holder: string, now: number): Promise<void> {
      await db
        .updateTable('audit_sink_leases')
        .set({ lease_until: 0, updated_at: now })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .execute();
    },
  };
}
