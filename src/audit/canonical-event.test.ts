import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './audit-event.js';
import { canonicalEventBytes } from './canonical-event.js';

const id = fc.string({ minLength: 1, maxLength: 12 });

const auditEventArbitrary: fc.Arbitrary<AuditEvent> = fc.record(
  {
    seq: fc.integer({ min: 1, max: 1_000_000 }),
    time: fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => new Date(ms).toISOString()),
    actor: fc.option(id, { nil: null }),
    action: id,
    resource: fc.record(
      { collection: id, recordId: id, fields: fc.array(id, { maxLength: 3 }) },
      { requiredKeys: [] },
    ),
    purpose: id,
    outcome: fc.constantFrom('allowed', 'denied', 'rate_limited', 'failed'),
    requestId: id,
    clientAddress: id,
  },
  { requiredKeys: ['seq', 'time', 'actor', 'action', 'resource', 'outcome'] },
);

const base: AuditEvent = {
  seq: 1,
  time: '2026-01-02T03:04:05.678Z',
  actor: 'user:1',
  action: 'record.read',
  resource: { collection: 'patients', recordId: 'r1', fields: ['name'] },
  outcome: 'allowed',
};

describe('canonicalEventBytes', () => {
  it('encodes an event as sorted, compact UTF-8 JSON', () => {
    expect(canonicalEventBytes(base).toString('utf8')).toBe(
      '{"action":"record.read","actor":"user:1","outcome":"allowed",' +
        '"resource":{"collection":"patients","fields":["name"],"recordId":"r1"},' +
        '"seq":1,"time":"2026-01-02T03:04:05.678Z"}',
    );
  });

  it('does not depend on key order', () => {
    fc.assert(
      fc.property(auditEventArbitrary, (event) => {
        const reversed = Object.fromEntries(Object.entries(event).reverse()) as unknown as AuditEvent;
        expect(canonicalEventBytes(reversed).equals(canonicalEventBytes(event))).toBe(true);
      }),
    );
  });

  it('never encodes two different events the same', () => {
    fc.assert(
      fc.property(auditEventArbitrary, auditEventArbitrary, (a, b) => {
        const same = canonicalEventBytes(a).equals(canonicalEventBytes(b));
        if (same) expect(a).toStrictEqual(b);
      }),
    );
  });

  it('rejects malformed events, including undocumented keys', () => {
    const bad: unknown[] = [
      { ...base, value: 'secret' },
      { ...base, resource: { ...base.resource, value: 'secret' } },
      { ...base, purpose: undefined },
      { ...base, seq: 0 },
      { ...base, seq: 1.5 },
      { ...base, time: '2026-01-02 03:04:05Z' },
      { ...base, time: '2026-13-40T03:04:05Z' },
      { ...base, outcome: 'maybe' },
      { ...base, action: '' },
      { ...base, actor: undefined },
      { ...base, resource: { fields: 'name' } },
      { ...base, requestId: '\ud800' },
      null,
    ];
    for (const event of bad) expect(() => canonicalEventBytes(event as AuditEvent)).toThrow(TypeError);
  });
});
