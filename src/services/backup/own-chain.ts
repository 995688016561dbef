/**
 * The destructive changes the restored database's own audit chain records (its audit_events table), replayed
 * with those of the erasure log (erasure-replay.ts).
 * Why: anyone holding the backup key can decrypt two backups, copy the newer one's audit tables into the older
 * one's database and encrypt it again; the chain then links to the live head and the log after it replays only
 * what came later, so an erasure recorded in the spliced-in events would come back undone. Replaying every allowed
 * erasure, drop, record deletion, key revocation and user deletion of the database's own chain makes such a
 * database as erased as its chain says it is. On a database that was not spliced this changes nothing: each of
 * those is already in effect (the replay is idempotent).
 * Invariants: a collection drop of the own chain drops only a collection created before the drop (a name dropped
 * and then created again before the backup keeps its new collection); account changes (passwords, roles) are not
 * taken from the own chain: they are in the backup already, or cannot be replayed.
 * Not addressed: a chain pruned (`pruneThrough`) before the spliced events: what is pruned cannot be read.
 */
import type { AuditEventFilter, AuditEventRow } from '../../storage/index.js';
import { fromEventRow } from '../audit/index.js';
import {
  addReplayEvent,
  type CollectionDrop,
  DESTRUCTIVE_ACTIONS,
  emptyReplayItems,
  type ReplayItems,
} from './replay-items.js';

const PAGE = 1000;

/** Reads the replayable changes recorded in the database's own chain, in seq order. */
export async function readOwnChainItems(audit: {
  listEvents(filter: AuditEventFilter, limit: number): Promise<AuditEventRow[]>;
}): Promise<{ items: ReplayItems; drops: CollectionDrop[] }> {
  const rows: AuditEventRow[] = [];
  for (const action of DESTRUCTIVE_ACTIONS) {
    let afterSeq = 0;
    for (;;) {
      const page = await audit.listEvents({ action, afterSeq }, PAGE);
      rows.push(...page);
      const last = page.at(-1);
      if (last === undefined || page.length < PAGE) break;
      afterSeq = Number(last.seq);
    }
  }
  rows.sort((a, b) => Number(a.seq) - Number(b.seq));
  const items = emptyReplayItems();
  const drops: CollectionDrop[] = [];
  for (const row of rows) {
    // An erasure without its subject erased nothing findable; the chain still verifies, so it is skipped here.
    addReplayEvent(items, fromEventRow(row), drops);
  }
  return { items, drops };
}
