import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTAS } from '../config/quotas.js';
import { compilePolicy } from '../policy/index.js';
import { createMemoryQuotaStore, createRedisQuotaStore, type QuotaStore } from '../state/index.js';
import { createQuotaService } from './quota-service.js';

const rules = [{ effect: 'allow', actions: ['read'], resources: ['collections/**'] }];
const policy = compilePolicy({
  version: 1,
  purposes: [],
  roles: {
    user: { rules },
    analyst: { rules, quotas: { detokenize: { capacity: 5, per_minute: 1 } } },
    bulk: {
      rules,
      quotas: { detokenize: { capacity: 50, per_minute: 10 }, reads: { capacity: 10, per_minute: 5000 } },
    },
    burst: { rules, quotas: { detokenize: { capacity: 5000, per_minute: 10 } } },
  },
});

function service(store: QuotaStore = createMemoryQuotaStore({ maxBuckets: 100 })) {
  return createQuotaService({ store, defaults: DEFAULT_QUOTAS, policy: () => policy, clock: () => 0 });
}

describe('quota service', () => {
  it('gives an identity the default, its role quota, or the most generous of its roles', () => {
    const quotas = service();
    expect(quotas.quotaFor('detokenize', [])).toEqual(DEFAULT_QUOTAS.detokenize);
    expect(quotas.quotaFor('detokenize', ['user'])).toEqual(DEFAULT_QUOTAS.detokenize);
    expect(quotas.quotaFor('detokenize', ['analyst'])).toEqual({ capacity: 5, perMinute: 1 });
    expect(quotas.quotaFor('detokenize', ['analyst', 'bulk'])).toEqual({ capacity: 50, perMinute: 10 });
    // Highest refill first, then the larger burst.
    expect(quotas.quotaFor('detokenize', ['bulk', 'burst'])).toEqual({ capacity: 5000, perMinute: 10 });
    // A role without a quota for the group counts as the default: adding it never lowers the quota.
    expect(quotas.quotaFor('detokenize', ['analyst', 'user'])).toEqual(DEFAULT_QUOTAS.detokenize);
    expect(quotas.quotaFor('reads', ['bulk'])).toEqual({ capacity: 10, perMinute: 5000 });
  });

  it('counts each group of each identity in its own bucket', async () => {
    const quotas = service();
    const analyst = { key: 'user:a', roles: ['analyst'] };
    for (let i = 0; i < 5; i++) expect((await quotas.take(analyst, 'detokenize', 1)).allowed).toBe(true);
    expect((await quotas.take(analyst, 'detokenize', 1)).allowed).toBe(false);
    expect((await quotas.take(analyst, 'reads', 1)).allowed).toBe(true);
    expect((await quotas.take({ key: 'key:k', roles: ['analyst'] }, 'detokenize', 1)).allowed).toBe(true);
  });

  it('fails closed with DEPENDENCY_UNAVAILABLE when the store cannot answer', async () => {
    // Nothing listens on port 1: a real Redis client whose connections are refused.
    const broken = createRedisQuotaStore({ url: 'redis://127.0.0.1:1', prefix: 't:', commandTimeoutMs: 200 });
    await expect(service(broken).take({ key: 'user:a', roles: [] }, 'reads', 1)).rejects.toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      status: 503,
    });
    await broken.close();
  });
});
