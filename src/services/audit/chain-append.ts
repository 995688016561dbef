/**
 * Appends events after the chain head, in the caller's transaction. The head row is locked first, so appends are
 * serialized across batches, in-transaction appends and nodes sharing one database: seqs stay gapless.
 */
import { type AuditEvent, type ChainedEvent, chainEvent } from '../../audit/index.js';
import type { AuditStore } from '../../storage/index.js';
import { toEventRow } from './event-row.js';

/** Chains and inserts `inputs` after the locked head, with `trxStore` bound to the appending transaction. */
export async function appendChained(
  trxStore: AuditStore,
  inputs: readonly AuditEvent[],
): Promise<ChainedEvent[]> {
  const head = await trxStore.lockHead();
  let prev = head.hash;
  const chained = inputs.map((built, i) => {
    const event = chainEvent(prev, { ...built, seq: head.seq + i + 1 });
    prev = event.hash;
    return event;
  });
  await trxStore.appendRows(chained.map(toEventRow), { seq: head.seq + chained.length, hash: prev });
  return chained;
}
