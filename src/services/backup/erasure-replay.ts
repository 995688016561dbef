/**
 * Replays, on a restored database before anything can serve it, what the audit trail says was destroyed or
 * revoked: from the erasure log since the backup (erasure-log.ts) and from the database's own chain (own-chain.ts,
 * against a database whose audit tables were spliced in from a newer backup). Every subject erased and every
 * collection dropped is erased or dropped again exactly as the live services did (subject-erasure.ts; a drop
 * destroys the collection's two keys and deletes its rows); every record deleted, API key revoked and user deleted
 * is deleted or revoked again (replay-steps.ts); the users whose password or settings changed since the backup
 * lose their API keys (their old password and roles are back: the operator resets them); and every session is
 * revoked, always, so everyone signs in again. All in one transaction with one audit event per change (actor
 * `system:restore`; the sessions carry the reason `restore` instead, replay-steps.ts), so the restored audit chain
 * records the replay and still verifies. Needs no root key: erasure destroys wrapped keys and ciphertexts, it never decrypts them.
 * Invariants: idempotent (what is already erased, gone or revoked is left alone and not counted); all or nothing
 * (the transaction); the log is checkpointed afterwards, so no old page keeps an erased value.
 * Not addressed: what the trail did not record (security-event audit writes are best effort).
 */
import { randomUUID } from 'node:crypto';
import type { Persistence, Stores } from '../../storage/index.js';
import { type AuditInput, appendChained, auditSubjectOf, toAuditEvent } from '../audit/index.js';
import { eraseSubjectRows } from '../subject-erasure.js';
import type { ErasureLog } from './erasure-log.js';
import { readOwnChainItems } from './own-chain.js';
import type { CollectionDrop } from './replay-items.js';
import {
  deleteRecordsAgain,
  deleteUsersAgain,
  revokeAllSessions,
  revokeApiKeysAgain,
  revokeChangedUsersKeys,
} from './replay-steps.js';

export interface ReplayResult {
  subjects: number;
  collections: number;
  /** Records emptied by the erasures and deleted by the drops. */
  records: number;
  /** Records deleted again (`record.delete`). */
  deletedRecords: number;
  /** API keys revoked: those revoked since the backup, and those of the changed users. */
  apiKeys: number;
  deletedUsers: number;
  /** Sessions revoked (all of them). */
  sessions: number;
  /** Users whose password or settings changed since the backup: their old ones are back. */
  changedUsers: string[];
}

export function emptyReplayResult(): ReplayResult {
  return {
    subjects: 0,
    collections: 0,
    records: 0,
    deletedRecords: 0,
    apiKeys: 0,
    deletedUsers: 0,
    sessions: 0,
    changedUsers: [],
  };
}

type Event = (action: AuditInput['action'], resource: NonNullable<AuditInput['resource']>) => AuditInput;

async function eraseAndDrop(
  stores: Stores,
  subjects: readonly string[],
  drops: readonly CollectionDrop[],
  now: number,
  event: Event,
  events: AuditInput[],
  result: ReplayResult,
): Promise<void> {
  for (const subjectHash of new Set(subjects)) {
    const erased = await eraseSubjectRows(stores, subjectHash, now, null);
    if (erased.alreadyErased) continue;
    result.subjects += 1;
    result.records += erased.records;
    events.push({ ...event('subject.erase', {}), subject: auditSubjectOf(subjectHash) });
  }
  for (const drop of drops) {
    const row = await stores.collections.findByName(drop.name);
    // A collection created after the drop (the own chain's) is another collection of the same name.
    if (row === null || (drop.before !== null && row.createdAt >= drop.before)) continue;
    await stores.keys.destroyDataKey(row.keyId, now);
    await stores.keys.destroyDataKey(row.indexKeyId, now);
    result.records += await stores.collections.dropWithData(row.id);
    result.collections += 1;
    events.push(event('collection.drop', { collection: drop.name }));
  }
}

/** Replays, in `persistence`, what the own chain and `log` (null: none) say was destroyed; see the module comment. */
export async function replayErasures(
  persistence: Pick<Persistence, 'transaction' | 'checkpointLog'>,
  log: ErasureLog | null,
  clock: () => number,
): Promise<ReplayResult> {
  const result = emptyReplayResult();
  const requestId = `restore-${randomUUID()}`;
  const event: Event = (action, resource) => ({
    actor: 'system:restore',
    action,
    resource,
    outcome: 'allowed',
    requestId,
  });
  await persistence.transaction(async (stores) => {
    const now = clock();
    const events: AuditInput[] = [];
    const own = await readOwnChainItems(stores.audit);
    const logDrops = (log?.collections ?? []).map((name) => ({ name, before: null }));
    await eraseAndDrop(
      stores,
      [...own.items.subjects, ...(log?.subjects ?? [])],
      [...own.drops, ...logDrops],
      now,
      event,
      events,
      result,
    );
    const records = [...own.items.deletedRecords, ...(log?.deletedRecords ?? [])];
    result.deletedRecords = await deleteRecordsAgain(stores, records, event, events);
    const users = [...own.items.deletedUsers, ...(log?.deletedUsers ?? [])];
    result.deletedUsers = await deleteUsersAgain(stores, users, event, events);
    const keys = [...own.items.revokedApiKeys, ...(log?.revokedApiKeys ?? [])];
    result.apiKeys = await revokeApiKeysAgain(stores, keys, now, event, events);
    const changed = await revokeChangedUsersKeys(stores, log?.changedUsers ?? [], now, event, events);
    result.changedUsers = changed.users;
    result.apiKeys += changed.apiKeys;
    result.sessions = await revokeAllSessions(stores, now);
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
