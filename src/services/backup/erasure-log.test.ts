import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  type ChainedEvent,
  chainEvent,
  GENESIS_HASH,
  toWireEvent,
} from '../../audit/index.js';
import { parseAuditHead, readErasureLog } from './erasure-log.js';

const SUBJECT = Buffer.alloc(32, 7);
const SUBJECT_HASH = SUBJECT.toString('base64url');

function chain(inputs: Array<Partial<AuditEvent>>): ChainedEvent[] {
  let prev = GENESIS_HASH;
  return inputs.map((input, i) => {
    const event = chainEvent(prev, {
      seq: i + 1,
      time: '2026-01-01T00:00:00.000Z',
      actor: 'user:u1',
      action: 'record.read',
      resource: {},
      outcome: 'allowed',
      ...input,
    } as AuditEvent);
    prev = event.hash;
    return event;
  });
}

const INPUTS: Array<Partial<AuditEvent>> = [
  {},
  {},
  { action: 'subject.erase', subject: `hmac:${SUBJECT.toString('hex')}` },
  { action: 'collection.drop', resource: { collection: 'cards' } },
  { action: 'subject.erase', outcome: 'denied', subject: `hmac:${Buffer.alloc(32, 9).toString('hex')}` },
  { action: 'subject.erase', resource: { recordId: 'subject:legacyHash' } },
];

/** The chain rewritten as a forger with write access to the log would: fields changed or one event left out. */
function rewrite(changes: Record<number, Partial<AuditEvent>>, without?: number): ChainedEvent[] {
  return chain(
    INPUTS.map((input, i) => ({ ...input, ...changes[i + 1] })).filter((_input, i) => i + 1 !== without),
  );
}

const events = chain(INPUTS);

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erasure-log-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(lines: ChainedEvent[] | string[]): string {
  const at = path.join(dir, 'log.jsonl');
  fs.writeFileSync(
    at,
    `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(toWireEvent(line)))).join('\n')}\n`,
  );
  return at;
}

const head = (seq: number) => ({ seq, hash: (events[seq - 1] as ChainedEvent).hash });
// The live trail's head: where the genuine log ends.
const live = head(6);

describe('readErasureLog', () => {
  it('lists the allowed erasures and drops after the head, skipping events before it', async () => {
    const log = await readErasureLog(file(events), head(2), live);
    expect(log).toEqual({
      subjects: [SUBJECT_HASH, 'legacyHash'],
      collections: ['cards'],
      deletedRecords: [],
      revokedApiKeys: [],
      deletedUsers: [],
      changedUsers: [],
      events: 4,
      lastSeq: 6,
    });
    // An erasure at or before the head is in the backup already.
    expect((await readErasureLog(file(events), head(3), live)).subjects).toEqual(['legacyHash']);
  });

  it('accepts a log that starts right after the head, or ends at it', async () => {
    expect((await readErasureLog(file(events.slice(2)), head(2), live)).events).toBe(4);
    expect((await readErasureLog(file(events.slice(0, 2)), head(2), head(2))).events).toBe(0);
    expect((await readErasureLog(file(events), { seq: 0, hash: GENESIS_HASH }, live)).events).toBe(6);
  });

  it.each([
    ['a gap after the head', () => file([...events.slice(0, 2), ...events.slice(3)]), 2],
    ['a gap later on', () => file([...events.slice(0, 4), ...events.slice(5)]), 2],
    ['a log starting after the head', () => file(events.slice(3)), 2],
    ['a log ending before the head', () => file(events.slice(0, 1)), 2],
    ['another chain', () => file(chain([{ actor: 'user:other' }, {}, {}])), 2],
    [
      'an edited event',
      () => file(events.map((e) => (e.seq === 4 ? { ...e, resource: { collection: 'x' } } : e))),
      2,
    ],
    [
      'a line that is not an event',
      () => file([JSON.stringify(toWireEvent(events[0] as ChainedEvent)), '{"seq":']),
    ],
    ['an erasure without its subject', () => file(chain([{}, { action: 'subject.erase' }])), 1],
    ['a log cut short at its end', () => file(events.slice(0, 5)), 2],
    ['a log ending at the backup while the trail went on', () => file(events.slice(0, 2)), 2],
    // Self-consistent rewrites (every later hash recomputed): only the final hash tells them apart.
    ['an erasure flipped to denied, rehashed', () => file(rewrite({ 3: { outcome: 'denied' } })), 2],
    ['an erasure dropped, renumbered and rehashed', () => file(rewrite({}, 3)), 2],
    [
      'a collection drop inserted, rehashed',
      () =>
        file(chain([{}, {}, {}, { action: 'collection.drop', resource: { collection: 'people' } }, {}, {}])),
      2,
    ],
  ])('refuses %s', async (_name, make, seq = 1) => {
    await expect(readErasureLog(make(), head(seq), live)).rejects.toMatchObject({
      code: 'BACKUP_ERASURE_LOG_INVALID',
      field: 'erasures',
    });
  });

  it('refuses a log of another deployment against a backup taken before any event (seq 0)', async () => {
    const genesis = { seq: 0, hash: GENESIS_HASH };
    const other = chain([{ actor: 'user:other' }, {}, {}, {}, {}, {}]);
    // The foreign chain is intact and starts at genesis too: only the live head refuses it.
    await expect(readErasureLog(file(other), genesis, live)).rejects.toMatchObject({
      code: 'BACKUP_ERASURE_LOG_INVALID',
    });
    await expect(readErasureLog(file([]), genesis, live)).rejects.toMatchObject({
      code: 'BACKUP_ERASURE_LOG_INVALID',
    });
    expect((await readErasureLog(file([]), genesis, genesis)).events).toBe(0);
  });

  it('parses the head as `audit verify` prints it, and nothing else', () => {
    const hash = 'ab'.repeat(32);
    expect(parseAuditHead(`12:${hash}`)).toEqual({ seq: 12, hash });
    for (const text of [
      '',
      '12',
      `x:${hash}`,
      `12:${hash.slice(2)}`,
      `12:${hash.toUpperCase()}`,
      `-1:${hash}`,
    ])
      expect(parseAuditHead(text)).toBeNull();
  });

  it('refuses a file that cannot be read', async () => {
    await expect(readErasureLog(path.join(dir, 'missing.jsonl'), head(1), live)).rejects.toMatchObject({
      code: 'BACKUP_ERASURE_LOG_INVALID',
    });
  });
});
