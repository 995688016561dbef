import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './audit-event.js';
import { canonicalEventBytes } from './canonical-event.js';
import { chainEvent, GENESIS_HASH, hashEvent, isIntactEvent } from './hash-chain.js';
import { fromWireEvent, toWireEvent } from './wire-event.js';

const PREV = '1'.repeat(64);

// Events as the trail wrote them before reasons, release levels and subjects existed. The expected hashes were
// computed independently (Python: sha256(b"strongroom-audit-v1\0" + prev + json.dumps(e, sort_keys=True,
// separators=(",", ":")))), so a change of the canonical form of old events fails here.
const OLD_EVENTS: Array<[AuditEvent, string]> = [
  [
    {
      seq: 7,
      time: '2026-01-02T03:04:05.678Z',
      actor: 'user:1',
      action: 'subject.erase',
      resource: { recordId: 'subject:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' },
      purpose: 'support',
      outcome: 'allowed',
      requestId: 'req-1',
      clientAddress: '192.0.2.1',
    },
    'f9762ddc5c01a49616e1f83f06531072f90c94f00463ffdeed79d9dc568ebe52',
  ],
  [
    {
      seq: 8,
      time: '2026-01-02T03:04:05Z',
      actor: null,
      action: 'record.read',
      resource: { collection: 'patients', recordId: 'r1', fields: ['name', 'ssn'] },
      outcome: 'denied',
    },
    '0459df8f2c7c1c4ff0bfe85b637bd72cc0e762004dfe46350e3b16a4377aaa35',
  ],
];

const full: AuditEvent = {
  seq: 9,
  time: '2026-01-02T03:04:05Z',
  actor: 'user:2',
  action: 'record.read',
  resource: { collection: 'patients', recordId: 'r1', fields: ['name', 'ssn'] },
  purpose: 'support',
  outcome: 'denied',
  reason: { code: 'DENIED_BY_RULE', role: 'user', rule: 2, policy_version: 3 },
  release: { name: 'plain', ssn: 'masked', phone: 'withheld', card: 'redacted' },
  subject: `hmac:${'ab'.repeat(32)}`,
  actorSubject: `hmac:${'ef'.repeat(32)}`,
  requestId: 'req-2',
  clientAddress: '2001:db8::1',
};

const id = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const eventArbitrary: fc.Arbitrary<AuditEvent> = fc.record(
  {
    seq: fc.integer({ min: 1, max: 1_000_000 }),
    time: fc.constant('2026-01-02T03:04:05Z'),
    actor: fc.option(id, { nil: null }),
    action: id,
    resource: fc.record(
      { collection: id, recordId: id, fields: fc.array(id, { maxLength: 3 }) },
      { requiredKeys: [] },
    ),
    purpose: id,
    outcome: fc.constantFrom('allowed', 'denied', 'rate_limited', 'failed'),
    reason: fc.record(
      {
        code: fc.constantFrom('DENIED_BY_RULE', 'PURPOSE_REQUIRED', 'RATE_LIMITED'),
        role: id,
        rule: fc.nat(100),
        policy_version: fc.integer({ min: 1, max: 100 }),
      },
      { requiredKeys: ['code'] },
    ),
    release: fc.dictionary(id, fc.constantFrom('plain', 'masked', 'redacted', 'withheld'), { maxKeys: 4 }),
    subject: fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `hmac:${h}`),
    actorSubject: fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `hmac:${h}`),
    requestId: id,
    clientAddress: fc.constant('192.0.2.1'),
  },
  { requiredKeys: ['seq', 'time', 'actor', 'action', 'resource', 'outcome'] },
);

describe('audit event format, old and new', () => {
  it('keeps the canonical form (and so the hash) of events written before the new keys', () => {
    for (const [event, hash] of OLD_EVENTS) {
      expect(hashEvent(PREV, event)).toBe(hash);
      expect(isIntactEvent({ ...event, prevHash: PREV, hash })).toBe(true);
    }
  });

  it('hashes reason, release, subject and actor subject: changing any of them breaks the link', () => {
    const chained = chainEvent(GENESIS_HASH, full);
    expect(isIntactEvent(chained)).toBe(true);
    for (const changed of [
      { ...chained, reason: { ...full.reason, code: 'NO_MATCHING_RULE' } },
      { ...chained, reason: { ...full.reason, rule: 3 } },
      { ...chained, release: { ...full.release, ssn: 'plain' } },
      { ...chained, subject: `hmac:${'cd'.repeat(32)}` },
      { ...chained, actorSubject: `hmac:${'cd'.repeat(32)}` },
    ]) {
      expect(isIntactEvent(changed)).toBe(false);
    }
  });

  it('refuses a reason, release or subject that could carry a value', () => {
    const bad: unknown[] = [
      { ...full, reason: { code: 'denied by Jane Roe' } },
      { ...full, reason: { code: 'DENIED_BY_RULE', value: '219-09-9999' } },
      { ...full, reason: { code: 'DENIED_BY_RULE', rule: -1 } },
      { ...full, reason: { code: 'DENIED_BY_RULE', policy_version: 0 } },
      { ...full, release: { ssn: '219-09-9999' } },
      { ...full, release: { '': 'plain' } },
      { ...full, subject: 'jane.roe@example.com' },
      { ...full, subject: `hmac:${'AB'.repeat(32)}` },
      { ...full, actorSubject: 'jane.roe@example.com' },
      { ...full, actorSubject: `hmac:${'ab'.repeat(31)}` },
    ];
    for (const event of bad) expect(() => canonicalEventBytes(event as AuditEvent)).toThrow(TypeError);
  });

  it('publishes snake_case names that map back to the hashed event exactly', () => {
    const wire = toWireEvent(chainEvent(GENESIS_HASH, full));
    expect(Object.keys(wire)).toEqual([
      'seq',
      'time',
      'actor',
      'action',
      'resource',
      'purpose',
      'outcome',
      'reason',
      'release',
      'subject',
      'actor_subject',
      'request_id',
      'client_address',
      'prev_hash',
      'hash',
    ]);
    expect(wire.resource).toEqual({ collection: 'patients', record_id: 'r1', fields: ['name', 'ssn'] });
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        const chained = chainEvent(PREV, event);
        const back = fromWireEvent(JSON.parse(JSON.stringify(toWireEvent(chained))));
        expect(back).toEqual(chained);
        expect(Object.keys(back).sort()).toEqual(Object.keys(chained).sort());
        expect(hashEvent(back.prevHash, event)).toBe(back.hash);
      }),
    );
  });
});
