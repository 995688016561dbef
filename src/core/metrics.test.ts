import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('metrics', () => {
  it('keeps one registry per instance, so two apps in one process do not collide', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.knowRoute('/v1/collections/:collection/records/:id');
    a.login('ok');
    a.login('failed');
    a.refusal('quota');
    a.observeRequest('GET', '/v1/collections/:collection/records/:id', 200, 0.01);
    a.observeRequest('BREW', 'unmatched', 404, 0.001);
    a.cache('verified_token', true);
    a.gauge('strongroom_hash_queue_depth', 'Password hashes waiting', () => 3);
    const text = await a.render();
    expect(text).toContain('strongroom_logins_total{outcome="ok"} 1');
    expect(text).toContain('strongroom_logins_total{outcome="failed"} 1');
    expect(text).toContain('strongroom_refusals_total{kind="quota"} 1');
    expect(text).toContain('route="/v1/collections/:collection/records/:id",status="200"');
    expect(text).toContain('method="OTHER"');
    expect(text).toContain('strongroom_hash_queue_depth 3');
    expect(await b.render()).not.toContain('outcome="ok"');
    expect(a.contentType).toMatch(/^text\/plain/);
  });

  it('drops label values outside their closed sets: an unknown route is unmatched, a bad status other', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.observeRequest('GET', '/v1/users/0b7c4a1e-secret', 200, 0.01);
    m.observeRequest('GET', undefined, 404, 0.01);
    m.observeRequest('GET', 'unmatched', 99, 0.01);
    m.login('alice' as never);
    m.cache('users' as never, true);
    m.labelledGauge({
      name: 'strongroom_test_gauge',
      help: 'test',
      labels: { kind: ['a', 'b'] },
      read: () => [
        { labels: { kind: 'a' }, value: 1 },
        { labels: { kind: 'record-42' }, value: 2 },
        { labels: { kind: 'b', extra: 'x' }, value: 3 },
      ],
    });
    m.labelledGauge({
      name: 'strongroom_failing_gauge',
      help: 'test',
      labels: { kind: ['a'] },
      read: () => Promise.reject(new Error('database down')),
    });
    let hits = 5;
    m.totals({
      name: 'strongroom_test_lookups_total',
      help: 'test',
      labels: { result: ['hit'] },
      read: () => [
        { labels: { result: 'hit' }, value: hits },
        { labels: { result: 'user-7' }, value: 1 },
      ],
    });
    expect(await m.render()).toContain('strongroom_test_lookups_total{result="hit"} 5');
    hits = 9;
    const text = await m.render();
    expect(text).toContain('strongroom_test_lookups_total{result="hit"} 9');
    expect(text).not.toContain('user-7');
    expect(text).not.toContain('0b7c4a1e');
    expect(text).toContain('route="unmatched",status="200"');
    expect(text).toContain('status="other"');
    expect(text).not.toContain('alice');
    expect(text).not.toContain('users');
    expect(text).toContain('strongroom_test_gauge{kind="a"} 1');
    expect(text).not.toContain('record-42');
    expect(text).not.toContain('extra');
    expect(text).toContain('# TYPE strongroom_failing_gauge gauge');
  });

  it('includes event-loop lag among the default metrics', async () => {
    expect(await createMetrics().render()).toContain('strongroom_nodejs_eventloop_lag_seconds');
  });
});
