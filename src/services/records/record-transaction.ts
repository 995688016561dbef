/**
 * One transaction for a data change and its audit events: `work` makes the change and returns the events that
 * describe it; they are appended to the audit trail inside the same transaction, so the change and its record
 * commit together or not at all (a failed append rolls the change back and answers AUDIT_UNAVAILABLE).
 */
import type { Stores, Transactor } from '../../storage/index.js';
import type { AuditInput, AuditTrail } from '../audit/index.js';

export async function inAuditedTransaction(
  transactor: Transactor,
  audit: Pick<AuditTrail, 'appendInTransaction'>,
  work: (stores: Stores) => Promise<readonly AuditInput[]>,
): Promise<void> {
  await transactor.transaction(async (stores) => {
    const events = await work(stores);
    if (events.length > 0) await audit.appendInTransaction(stores, events);
  });
}
