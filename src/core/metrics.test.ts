import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('metrics', () => {
  it('keeps one registry per instance, so two apps in one process do not collide', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
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

  it('includes event-loop lag among the default metrics', async () => {
    expect(await createMetrics().render()).toContain('strongroom_nodejs_eventloop_lag_seconds');
  });
});
