/**
 * One transaction for a data change and its audit events: `work` makes the change and returns the events that
 * describe it; they are appended to the audit trail inside the same transaction, so the change and its record
 * commit together or not at all (a failed append rolls the change back and answers AUDIT_UNAVAILABLE).
 */
import type { Kysely } from 'kysely';
import { createStores, type Database, type Stores } from '../storage/index.js';
import type { AuditInput, AuditTrail } from './audit/index.js';

export async function inAuditedTransaction(
  db: Kysely<Database>,
  audit: Pick<AuditTrail, 'appendInTransaction'>,
  work: (stores: Stores) => Promise<readonly AuditInput[]>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const events = await work(createStores(trx));
    if (events.length > 0) await audit.appendInTransaction(trx, events);
  });
}
