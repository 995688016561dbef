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
import { readErasureLog } from './erasure-log.js';

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

const events = chain([
  {},
  {},
  { action: 'subject.erase', subject: `hmac:${SUBJECT.toString('hex')}` },
  { action: 'collection.drop', resource: { collection: 'cards' } },
  { action: 'subject.erase', outcome: 'denied', subject: `hmac:${Buffer.alloc(32, 9).toString('hex')}` },
  { action: 'subject.erase', resource: { recordId: 'subject:legacyHash' } },
]);

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

describe('readErasureLog', () => {
  it('lists the allowed erasures and drops after the head, skipping events before it', async () => {
    const log = await readErasureLog(file(events), head(2));
    expect(log).toEqual({
      subjects: [SUBJECT_HASH, 'legacyHash'],
      collections: ['cards'],
      events: 4,
      lastSeq: 6,
    });
    // An erasure at or before the head is in the backup already.
    expect((await readErasureLog(file(events), head(3))).subjects).toEqual(['legacyHash']);
  });

  it('accepts a log that starts right after the head, or ends at it', async () => {
    expect((await readErasureLog(file(events.slice(2)), head(2))).events).toBe(4);
    expect((await readErasureLog(file(events.slice(0, 2)), head(2))).events).toBe(0);
    expect((await readErasureLog(file(events), { seq: 0, hash: GENESIS_HASH })).events).toBe(6);
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
  ])('refuses %s', async (_name, make, seq = 1) => {
    await expect(readErasureLog(make(), head(seq))).rejects.toMatchObject({
      code: 'BACKUP_ERASURE_LOG_INVALID',
      field: 'erasures',
    });
  });

  it('refuses a file that cannot be read', async () => {
    await expect(readErasureLog(path.join(dir, 'missing.jsonl'), head(1))).rejects.toMatchObject({
      code: 'BACKUP_ERASURE_LOG_INVALID',
    });
  });
});
