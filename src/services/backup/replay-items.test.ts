/** What each audit event adds to a replay (replay-items.ts), as a table. */
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../audit/index.js';
import { addReplayEvent, emptyReplayItems, type ReplayItems } from './replay-items.js';

const event = (fields: Partial<AuditEvent>): AuditEvent => ({
  seq: 7,
  time: '2026-01-01T00:00:00.000Z',
  actor: 'user:admin',
  action: 'record.read',
  resource: {},
  outcome: 'allowed',
  ...fields,
});

describe('addReplayEvent', () => {
  it.each<[string, Partial<AuditEvent>, Partial<ReplayItems>]>([
    [
      'a record deletion',
      { action: 'record.delete', resource: { collection: 'people', recordId: 'r1' } },
      { deletedRecords: [{ collection: 'people', id: 'r1' }] },
    ],
    [
      'a key revocation',
      { action: 'api_key.revoke', resource: { recordId: 'k1' } },
      { revokedApiKeys: ['k1'] },
    ],
    [
      'a key exposed over plain HTTP (refused, and revoked)',
      { action: 'auth.credential_exposed', outcome: 'denied', resource: { recordId: 'k2' } },
      { revokedApiKeys: ['k2'] },
    ],
    ['a user deletion', { action: 'user.delete', resource: { recordId: 'u1' } }, { deletedUsers: ['u1'] }],
    [
      'an update by an admin',
      { action: 'user.update', resource: { recordId: 'u2' } },
      { changedUsers: ['u2'] },
    ],
    [
      'a reset by an admin',
      { action: 'user.password_reset', resource: { recordId: 'u3' } },
      { changedUsers: ['u3'] },
    ],
    [
      "a user's own password change (the record id is the session)",
      { action: 'auth.password_change', actor: 'user:u4', resource: { recordId: 'session-1' } },
      { changedUsers: ['u4'] },
    ],
    [
      'a denied key revocation',
      { action: 'api_key.revoke', outcome: 'denied', resource: { recordId: 'k3' } },
      {},
    ],
    [
      'a denied record deletion',
      { action: 'record.delete', outcome: 'denied', resource: { collection: 'p', recordId: 'r' } },
      {},
    ],
    ['a read', { action: 'record.read', resource: { collection: 'p', recordId: 'r' } }, {}],
  ])('%s', (_name, fields, expected) => {
    const items = emptyReplayItems();
    expect(addReplayEvent(items, event(fields))).toBeNull();
    expect(items).toEqual({ ...emptyReplayItems(), ...expected });
  });

  it('refuses an allowed erasure that names no subject', () => {
    expect(addReplayEvent(emptyReplayItems(), event({ action: 'subject.erase' }))).toMatch(/seq 7/);
  });
});
