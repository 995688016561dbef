import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './audit-event.js';
import { canonicalEventBytes } from './canonical-event.js';
import { chainEvent, eventBody, GENESIS_HASH, hashEvent, isIntactEvent } from './hash-chain.js';

const event: AuditEvent = {
  seq: 1,
  time: '2026-01-02T03:04:05Z',
  actor: 'user:1',
  action: 'record.update',
  resource: { collection: 'patients', recordId: 'r1', fields: ['email', 'phone'] },
  purpose: 'support',
  outcome: 'allowed',
  requestId: 'req-1',
  clientAddress: '192.0.2.1',
};

describe('hash chain', () => {
  it('hashes SHA-256("strongroom-audit-v1" 0x00 || prevHash bytes || canonical event bytes)', () => {
    const expected = createHash('sha256')
      .update(
        Buffer.concat([
          Buffer.from('strongroom-audit-v1\u0000'),
          Buffer.alloc(32),
          canonicalEventBytes(event),
        ]),
      )
      .digest('hex');
    const chained = chainEvent(GENESIS_HASH, event);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(chained).toEqual({ ...event, prevHash: GENESIS_HASH, hash: expected });
    expect(eventBody(chained)).toEqual(event);
  });

  it('links each event to the previous hash', () => {
    const first = chainEvent(GENESIS_HASH, event);
    const second = chainEvent(first.hash, { ...event, seq: 2 });
    expect(second.prevHash).toBe(first.hash);
    expect(hashEvent(GENESIS_HASH, { ...event, seq: 2 })).not.toBe(second.hash);
    expect(isIntactEvent(second)).toBe(true);
  });

  it('detects any change to content, prevHash or hash', () => {
    const chained = chainEvent(GENESIS_HASH, event);
    const variants: unknown[] = [
      { ...chained, seq: 2 },
      { ...chained, actor: null },
      { ...chained, action: 'record.delete' },
      { ...chained, outcome: 'denied' },
      { ...chained, resource: { ...event.resource, fields: ['email'] } },
      { ...chained, purpose: 'marketing' },
      { ...chained, extra: 'smuggled value' },
      { ...chained, prevHash: `1${GENESIS_HASH.slice(1)}` },
      { ...chained, hash: `${chained.hash.slice(0, 63)}${chained.hash.endsWith('0') ? '1' : '0'}` },
      { ...chained, hash: chained.hash.toUpperCase() },
      null,
      'event',
    ];
    for (const variant of variants) expect(isIntactEvent(variant)).toBe(false);
  });

  it('changes the hash for any one-byte change of prevHash', () => {
    fc.assert(
      fc.property(fc.nat(63), (i) => {
        const prev = `${'0'.repeat(i)}1${'0'.repeat(63 - i)}`;
        expect(hashEvent(prev, event)).not.toBe(hashEvent(GENESIS_HASH, event));
      }),
    );
  });

  it('rejects a malformed prevHash or event', () => {
    expect(() => chainEvent('abc', event)).toThrow(TypeError);
    expect(() => chainEvent(GENESIS_HASH.toUpperCase().replace(/0/g, 'A'), event)).toThrow(TypeError);
    expect(() => chainEvent(GENESIS_HASH, { ...event, seq: -1 })).toThrow(TypeError);
  });
});
