import { describe, expect, it } from 'vitest';
import {
  createRevocationBus,
  decodeInvalidation,
  encodeInvalidation,
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
    });
    loop.state(true);
    loop.failNext(2);
    await bus.publish({ userIds: ['u1'] });
    expect(loop.sent).toEqual([]);
    await expect.poll(() => loop.sent.length, { timeout: 3000 }).toBe(1);
    expect(decodeInvalidation(loop.sent[0] ?? '')).toMatchObject({ userIds: ['u1'] });
    expect(errors).toHaveLength(2);
  });
});
