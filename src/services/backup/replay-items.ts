/**
 * What a restore replays, as read from audit events (the erasure log since the backup, erasure-log.ts, and the
 * restored database's own chain, own-chain.ts): the destructive changes whose effect a backup would undo.
 * Invariants: only what the trail names is replayed, by identifier (a subject HMAC, a collection name, a record
 * id, an API key id, a user id); an event of another outcome than `allowed` is ignored (a denied erasure erased
 * nothing), except an exposed credential, which is revoked although the request was refused.
 * Not addressed: a change the trail did not record (security-event audit writes are best effort), and changes
 * that cannot be replayed from identifiers (a new password hash, new roles): those users are listed
 * (`changedUsers`) and lose their API keys instead.
 */
import type { AuditEvent } from '../../audit/index.js';

/** One collection drop; `before` (ms, own chain only): drop only a collection created before it. */
export interface CollectionDrop {
  name: string;
  before: number | null;
}

export interface ReplayItems {
  /** Subject HMACs (the subjects table's base64url form) erased, in order. */
  subjects: string[];
  /** Collections dropped, by name, in order. */
  collections: string[];
  /** Records deleted (`record.delete`), by collection name and record id. */
  deletedRecords: { collection: string; id: string }[];
  /** API keys revoked (`api_key.revoke`, or refused as exposed over plain HTTP), by id. */
  revokedApiKeys: string[];
  /** Users deleted (`user.delete`), by id. */
  deletedUsers: string[];
  /** Users whose password, roles or settings changed (`auth.password_change`, `user.password_reset`, `user.update`). */
  changedUsers: string[];
}

/** The actions whose effect a replay applies again (the own chain replays all but the account changes). */
export const DESTRUCTIVE_ACTIONS = [
  'subject.erase',
  'collection.drop',
  'record.delete',
  'api_key.revoke',
  'auth.credential_exposed',
  'user.delete',
] as const;

export const ACCOUNT_CHANGE_ACTIONS = ['auth.password_change', 'user.password_reset', 'user.update'] as const;

export function emptyReplayItems(): ReplayItems {
  return {
    subjects: [],
    collections: [],
    deletedRecords: [],
    revokedApiKeys: [],
    deletedUsers: [],
    changedUsers: [],
  };
}

/** The erased subject's HMAC in the subjects table's base64url form, or null when the event names none. */
export function erasedSubjectOf(event: Pick<AuditEvent, 'subject' | 'resource'>): string | null {
  if (typeof event.subject === 'string' && /^hmac:[0-9a-f]{64}$/.test(event.subject))
    return Buffer.from(event.subject.slice(5), 'hex').toString('base64url');
  // Before issue 13 the erasure event named the subject HMAC as its record id.
  const recordId = event.resource.recordId;
  if (typeof recordId === 'string' && recordId.startsWith('subject:'))
    return recordId.slice('subject:'.length);
  return null;
}

/** The user an account change is about: the target user (an administrator's change), else the actor itself. */
function changedUserOf(event: AuditEvent): string | null {
  const recordId = event.resource.recordId;
  if (event.action !== 'auth.password_change') return typeof recordId === 'string' ? recordId : null;
  // A user's own password change names the session as its record id; the user is the actor.
  return event.actor?.startsWith('user:') === true ? event.actor.slice('user:'.length) : null;
}

/**
 * Adds what `event` says to `items` (`drops`: the collection drops with their time, for the own chain); returns
 * an error message when an allowed erasure does not name its subject.
 */
export function addReplayEvent(
  items: ReplayItems,
  event: AuditEvent,
  drops?: CollectionDrop[],
): string | null {
  const { collection, recordId } = event.resource;
  if (event.action === 'auth.credential_exposed') {
    if (typeof recordId === 'string') items.revokedApiKeys.push(recordId);
    return null;
  }
  if (event.outcome !== 'allowed') return null;
  switch (event.action) {
    case 'subject.erase': {
      const subject = erasedSubjectOf(event);
      if (subject === null) return `seq ${event.seq}: an erasure event without its subject`;
      items.subjects.push(subject);
      return null;
    }
    case 'collection.drop':
      if (typeof collection !== 'string') return null;
      items.collections.push(collection);
      drops?.push({ name: collection, before: Date.parse(event.time) });
      return null;
    case 'record.delete':
      if (typeof collection === 'string' && typeof recordId === 'string')
        items.deletedRecords.push({ collection, id: recordId });
      return null;
    case 'api_key.revoke':
      if (typeof recordId === 'string') items.revokedApiKeys.push(recordId);
      return null;
    case 'user.delete':
      if (typeof recordId === 'string') items.deletedUsers.push(recordId);
      return null;
    case 'auth.password_change':
    case 'user.password_reset':
    case 'user.update': {
      const user = changedUserOf(event);
      if (user !== null) items.changedUsers.push(user);
      return null;
    }
    default:
      return null;
  }
}
