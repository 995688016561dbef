import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ChainedEvent, chainEvent, GENESIS_HASH, toWireEvent } from '../../audit/index.js';
import { createSinkFilter, exclusionProblem } from './sink-filter.js';
import { octetFrame, syslogMessage, webhookSignature } from './sink-message.js';
import { toSinkItems } from './sink-runner.js';

function chain(actions: Array<[string, 'allowed' | 'denied']>): ChainedEvent[] {
  let prev = GENESIS_HASH;
  return actions.map(([action, outcome], i) => {
    const event = chainEvent(prev, {
      seq: i + 1,
      time: '2026-01-02T03:04:05Z',
      actor: 'user:1',
      action,
      resource: {},
      outcome,
    });
    prev = event.hash;
    return event;
  });
}

// RFC 5424 §6: HEADER = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID; then SD, then MSG.
const RFC5424 =
  /^<(\d{1,3})>1 (\S+) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) (\[[^\]]+\]) \uFEFF(.+)$/su;

describe('sink messages', () => {
  const [allowed, denied] = chain([
    ['record.read', 'allowed'],
    ['record.read', 'denied'],
  ]) as [ChainedEvent, ChainedEvent];

  it('writes one RFC 5424 message per event, facility log audit, notice for refusals', () => {
    const message = syslogMessage(toWireEvent(denied), 'host-1');
    const match = RFC5424.exec(message);
    expect(match?.slice(1, 7)).toEqual([
      String(13 * 8 + 5),
      denied.time,
      'host-1',
      'strongroom',
      '-',
      'audit',
    ]);
    expect(match?.[7]).toBe(`[strongroom@32473 seq="2" prev_hash="${allowed.hash}" hash="${denied.hash}"]`);
    expect(JSON.parse(match?.[8] ?? '')).toEqual(toWireEvent(denied));
    expect(RFC5424.exec(syslogMessage(toWireEvent(allowed), 'host-1'))?.[1]).toBe(String(13 * 8 + 6));
    expect(syslogMessage({ skipped: { from_seq: 2, to_seq: 3, hash: denied.hash } }, 'h')).toMatch(
      /^<110>1 - h strongroom - audit-skipped \[strongroom@32473 from_seq="2" to_seq="3" hash="[0-9a-f]{64}"\] /,
    );
  });

  it('frames by octet counting (RFC 5425 §4.3), counting bytes, not characters', () => {
    const message = syslogMessage(toWireEvent(allowed), 'h');
    const frame = octetFrame(message);
    const space = frame.indexOf(0x20);
    expect(Number(frame.subarray(0, space).toString())).toBe(Buffer.byteLength(message));
    expect(frame.subarray(space + 1).toString('utf8')).toBe(message);
  });

  it('signs the webhook body with its time (HMAC-SHA256)', () => {
    const body = '{"events":[]}';
    const mac = createHmac('sha256', 's'.repeat(32)).update(`1700000000.${body}`).digest('hex');
    expect(webhookSignature('s'.repeat(32), body, 1_700_000_000)).toBe(`t=1700000000,v1=${mac}`);
  });

  it('replaces each run of filtered events by one marker that keeps the chain linked', () => {
    const events = chain([
      ['record.read', 'allowed'],
      ['audit.query', 'allowed'],
      ['audit.hash', 'allowed'],
      ['record.read', 'denied'],
      ['record.list', 'allowed'],
    ]);
    const skips = createSinkFilter(['audit.*', 'record.read:denied'], 'exclude');
    const items = toSinkItems(events, skips);
    expect(items.map((i) => ('skipped' in i ? i.skipped : i.seq))).toEqual([
      1,
      { from_seq: 2, to_seq: 4, hash: events[3]?.hash },
      5,
    ]);
    expect(items[2]).toMatchObject({ prev_hash: events[3]?.hash });
  });

  it('refuses a filter pattern that names nothing', () => {
    expect(exclusionProblem('audit.*')).toBeNull();
    expect(exclusionProblem('record.list:allowed')).toBeNull();
    expect(exclusionProblem('recrd.list')).toMatch(/no audit action/);
    expect(exclusionProblem('record.list:maybe')).toMatch(/unknown outcome/);
    expect(exclusionProblem('Record List')).not.toBeNull();
    expect(() => createSinkFilter(['audit.*', 'nothing.here'], 'auditSyslogExclude')).toThrow(/pattern 2/);
  });
});
