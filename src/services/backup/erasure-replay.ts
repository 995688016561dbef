/**
 * Replays an erasure log (erasure-log.ts) on a restored database before anything can serve it: every subject
 * erased and every collection dropped after the backup is erased or dropped again, exactly as the live services
 * did (subject-erasure.ts; a drop destroys the collection's two keys and deletes its rows), in one transaction
 * with one audit event each (actor `system:restore`), so the restored audit chain records the replay and still
 * verifies. Needs no root key: erasure destroys wrapped keys and ciphertexts, it never decrypts them.
 * Invariants: idempotent (a subject already erased in the backup, a collection already gone, is left alone); all
 * or nothing (the transaction); the log is checkpointed afterwards, so no old page keeps an erased value.
 */
import { randomUUID } from 'node:crypto';
import type { Persistence } from '../../storage/index.js';
import { type AuditInput, appendChained, auditSubjectOf, toAuditEvent } from '../audit/index.js';
import { eraseSubjectRows } from '../subject-erasure.js';
import type { ErasureLog } from './erasure-log.js';

export interface ReplayResult {
  subjects: number;
  collections: number;
  records: number;
}

/** Erases again, in `persistence`, what `log` says was erased after the backup. */
export async function replayErasures(
  persistence: Pick<Persistence, 'transaction' | 'checkpointLog'>,
  log: ErasureLog,
  clock: () => number,
): Promise<ReplayResult> {
  const result: ReplayResult = { subjects: 0, collections: 0, records: 0 };
  if (log.subjects.length === 0 && log.collections.length === 0) return result;
  const requestId = `restore-${randomUUID()}`;
  await persistence.transaction(async (stores) => {
    const now = clock();
    const events: AuditInput[] = [];
    for (const subjectHash of new Set(log.subjects)) {
      const erased = await eraseSubjectRows(stores, subjectHash, now, null);
      if (erased.alreadyErased) continue;
      result.subjects += 1;
      result.records += erased.records;
      events.push({
        actor: 'system:restore',
        action: 'subject.erase',
        resource: {},
        subject: auditSubjectOf(subjectHash),
        outcome: 'allowed',
        requestId,
      });
    }
    for (const name of new Set(log.collections)) {
      const row = await stores.collections.findByName(name);
      if (row === null) continue;
      await stores.keys.destroyDataKey(row.keyId, now);
      await stores.keys.destroyDataKey(row.indexKeyId, now);
      result.records += await stores.collections.dropWithData(row.id);
      result.collections += 1;
      events.push({
        actor: 'system:restore',
        action: 'collection.drop',
        resource: { collection: name },
        outcome: 'allowed',
        requestId,
      });
    }
    const time = new Date(now).toISOString();
    if (events.length > 0)
      await appendChained(
        stores.audit,
        events.map((e) => toAuditEvent(e, 1, time)),
      );
  });
  await persistence.checkpointLog();
  return result;
}
