import { describe, expect, it } from 'vitest';
import {
  createRevocationBus,
  decodeInvalidation,
  encodeInvalidation,
  HEARTBEAT_TIMEOUT_MS,
  type Invalidation,
  type InvalidationChannel,
} from './revocation-bus.js';

/** A channel that delivers to this bus alone, and can lose and regain its subscription. */
function loopbackChannel() {
  let handlers: Parameters<InvalidationChannel['listen']>[0] | undefined;
  let failSends = 0;
  const sent: string[] = [];
  const channel: InvalidationChannel = {
    connectionName: 'loopback',
    async send(message) {
      if (failSends > 0) {
        failSends--;
        throw new Error('down');
      }
      sent.push(message);
      handlers?.message(message);
    },
    listen(h) {
      handlers = h;
    },
    async close() {},
  };
  return {
    channel,
    sent,
    state: (live: boolean) => handlers?.state(live),
    /** A message arriving from the channel (another node's, or a heartbeat). */
    deliver: (text: string) => handlers?.message(text),
    failNext: (n: number) => {
      failSends = n;
    },
  };
}

describe('the revocation wire form', () => {
  it('round-trips a change', () => {
    const change = { sessionIds: ['s1'], userIds: ['u1', 'u2'], apiKeyIds: ['k1'], all: false };
    expect(decodeInvalidation(encodeInvalidation(change))).toEqual(change);
  });

  it('reads anything unexpected as "drop everything"', () => {
    for (const text of ['', 'null', '{', '{"v":2}', '{"v":1,"s":"x"}', '{"v":1,"u":[1]}', '[]']) {
      expect(decodeInvalidation(text), text).toEqual({ all: true });
    }
  });

  it('sends a change too large for a NOTIFY payload as "drop everything"', () => {
    const userIds = Array.from(
      { length: 400 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    expect(decodeInvalidation(encodeInvalidation({ userIds }))).toMatchObject({ all: true });
  });
});

describe('createRevocationBus', () => {
  it('without a channel: live, and a change reaches listeners before publish returns', async () => {
    const bus = createRevocationBus({ channel: null, retryForMs: 1000 });
    const seen: Invalidation[] = [];
    bus.subscribe((change) => seen.push(change));
    expect(bus.isLive()).toBe(true);
    const published = bus.publish({ sessionIds: ['s1'] });
    expect(seen).toEqual([{ sessionIds: ['s1'] }]);
    await published;
    await bus.publish({});
    expect(seen).toHaveLength(1);
  });

  it('is live only while subscribed, and drops everything each time it subscribes again', () => {
    const loop = loopbackChannel();
    const bus = createRevocationBus({ channel: loop.channel, retryForMs: 1000 });
    const seen: Invalidation[] = [];
    bus.subscribe((change) => seen.push(change));
    expect(bus.isLive()).toBe(false);
    loop.state(true);
    expect([bus.isLive(), seen]).toEqual([true, [{ all: true }]]);
    loop.state(false);
    expect(bus.isLive()).toBe(false);
    loop.state(true);
    expect([bus.isLive(), seen.length, seen[1]]).toEqual([true, 2, { all: true }]);
  });

  it('retries a failed send in the background, and never fails the publish', async () => {
    const loop = loopbackChannel();
    const errors: unknown[] = [];
    const bus = createRevocationBus({
      channel: loop.channel,
      retryForMs: 5000,
      onError: (e) => errors.push(e),
      // No heartbeat in this test: it counts the sends of one change.
      heartbeatIntervalMs: 3_600_000,
    });
    loop.state(true);
    loop.failNext(2);
    await bus.publish({ userIds: ['u1'] });
    expect(loop.sent).toEqual([]);
    await expect.poll(() => loop.sent.length, { timeout: 3000 }).toBe(1);
    expect(decodeInvalidation(loop.sent[0] ?? '')).toMatchObject({ userIds: ['u1'] });
    expect(errors).toHaveLength(2);
  });

  it('stops trusting a channel that has delivered nothing for the heartbeat bound, and drops all when it is back', () => {
    const loop = loopbackChannel();
    let now = 0;
    // The heartbeat timer is not what is tested: time moves by hand, and deliveries are made by hand.
    const bus = createRevocationBus({
      channel: loop.channel,
      retryForMs: 1000,
      heartbeatIntervalMs: 3_600_000,
      monotonicClock: () => now,
    });
    const seen: Invalidation[] = [];
    bus.subscribe((change) => seen.push(change));
    loop.state(true);
    expect([bus.isLive(), seen]).toEqual([true, [{ all: true }]]);
    // A heartbeat heard (any node's): still trusted; heartbeats are no change for the listeners.
    now += HEARTBEAT_TIMEOUT_MS - 1;
    expect(bus.isLive()).toBe(true);
    loop.deliver(JSON.stringify({ v: 1, h: 1 }));
    now += HEARTBEAT_TIMEOUT_MS - 1;
    expect([bus.isLive(), seen.length]).toEqual([true, 1]);
    // Silence for the whole bound: the subscription is still "up", but the node reads the database.
    now += 1;
    expect(bus.isLive()).toBe(false);
    // Heard again: whatever was sent meanwhile may be lost, so everything is dropped first, then the change applies.
    loop.deliver(encodeInvalidation({ sessionIds: ['s1'] }, 'another-node'));
    expect(bus.isLive()).toBe(true);
    expect(seen.slice(1)).toEqual([
      { all: true },
      { all: false, sessionIds: ['s1'], userIds: [], apiKeyIds: [] },
    ]);
  });

  it('drops all after a silent gap even when no request asked meanwhile', () => {
    const loop = loopbackChannel();
    let now = 0;
    const bus = createRevocationBus({
      channel: loop.channel,
      retryForMs: 1000,
      heartbeatIntervalMs: 3_600_000,
      monotonicClock: () => now,
    });
    const seen: Invalidation[] = [];
    bus.subscribe((change) => seen.push(change));
    loop.state(true);
    now += HEARTBEAT_TIMEOUT_MS;
    loop.deliver(JSON.stringify({ v: 1, h: 1 }));
    expect([bus.isLive(), seen]).toEqual([true, [{ all: true }, { all: true }]]);
  });

  it('sends heartbeats while subscribed', async () => {
    const loop = loopbackChannel();
    const bus = createRevocationBus({ channel: loop.channel, retryForMs: 1000, heartbeatIntervalMs: 10 });
    loop.state(true);
    await expect.poll(() => loop.sent.length, { timeout: 3000 }).toBeGreaterThan(2);
    expect(loop.sent.every((text) => JSON.parse(text).h === 1)).toBe(true);
    expect(decodeInvalidation(loop.sent[0] ?? '')).toMatchObject({ all: false });
    await bus.close();
  });
});
