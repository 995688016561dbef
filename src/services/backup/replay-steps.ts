/**
 * The steps of a restore's replay (erasure-replay.ts), each in the caller's transaction, each idempotent (what is
 * already gone or revoked is left alone and not counted), each returning the `system:restore` audit events of
 * what it changed: record deletions, API key revocations, user deletions, the API keys of users whose password or
 * settings changed; and every session (without an event, see revokeAllSessions).
 */
import type { Stores } from '../../storage/index.js';
import type { AuditInput } from '../audit/index.js';

/** The reason a restore revokes a session or an API key with (sessions.revoked_reason, api_keys.revoked_reason). */
export const RESTORE_REASON = 'restore';

type Event = (action: AuditInput['action'], resource: NonNullable<AuditInput['resource']>) => AuditInput;

/** Deletes again each record deleted since the backup; returns how many were still there. */
export async function deleteRecordsAgain(
  stores: Stores,
  records: readonly { collection: string; id: string }[],
  event: Event,
  events: AuditInput[],
): Promise<number> {
  let deleted = 0;
  const seen = new Set<string>();
  for (const { collection, id } of records) {
    if (seen.has(`${collection}/${id}`)) continue;
    seen.add(`${collection}/${id}`);
    const row = await stores.collections.findByName(collection);
    if (row === null || !(await stores.records.delete(row.id, id))) continue;
    deleted += 1;
    events.push(event('record.delete', { collection, recordId: id }));
  }
  return deleted;
}

/** Revokes again each API key revoked since the backup; returns how many were live. */
export async function revokeApiKeysAgain(
  stores: Stores,
  ids: readonly string[],
  now: number,
  event: Event,
  events: AuditInput[],
): Promise<number> {
  let revoked = 0;
  for (const id of new Set(ids)) {
    if (!(await stores.apiKeys.revoke(id, RESTORE_REASON, now))) continue;
    revoked += 1;
    events.push(event('api_key.revoke', { recordId: id }));
  }
  return revoked;
}

/** Deletes again each user deleted since the backup (sessions and API keys go with them, ON DELETE CASCADE). */
export async function deleteUsersAgain(
  stores: Stores,
  ids: readonly string[],
  event: Event,
  events: AuditInput[],
): Promise<number> {
  let deleted = 0;
  for (const id of new Set(ids)) {
    if (!(await stores.users.delete(id))) continue;
    deleted += 1;
    events.push(event('user.delete', { recordId: id }));
  }
  return deleted;
}

/**
 * Revokes every API key of each user whose password or settings changed since the backup, as a password change
 * does: the restored row has the old password and roles, and a key is as much the old password's. Returns the
 * users that still exist (the operator resets them) and how many keys were revoked.
 */
export async function revokeChangedUsersKeys(
  stores: Stores,
  ids: readonly string[],
  now: number,
  event: Event,
  events: AuditInput[],
): Promise<{ users: string[]; apiKeys: number }> {
  const users: string[] = [];
  let apiKeys = 0;
  for (const id of new Set(ids)) {
    if ((await stores.users.findById(id)) === null) continue;
    users.push(id);
    const revoked = await stores.apiKeys.revokeUserKeys(id, RESTORE_REASON, now);
    apiKeys += revoked.length;
    for (const key of revoked) events.push(event('api_key.revoke', { recordId: key }));
  }
  return { users, apiKeys };
}

/**
 * Revokes every session (and with it its refresh tokens): everyone signs in again. Recorded in the sessions'
 * revoked_reason (`restore`), not in the audit chain: a restore that replays nothing else leaves the chain's head
 * at the backup's, so the log since it can still be replayed later (`backup replay-erasures`).
 */
export async function revokeAllSessions(stores: Stores, now: number): Promise<number> {
  return stores.sessions.revokeAllSessions(RESTORE_REASON, now);
}
