/**
 * Guarantee (issue 13, finding 1): detokenizing someone else's stored-field token and a token nobody holds do the
 * same work, counted in storage reads rather than timed: the same token and record reads, and no definition read
 * while the node's cache is fresh (an id that names nothing is cached too), one on each side after it expires.
 * A value held by several others reads no more than a token nobody holds (one decoy record read per token, not per
 * row). Before the fix the definition cache was keyed by name and never refilled by id: within CACHE_TTL_MS of a read by
 * name the stored-field side answered from memory while a miss read the database, every time. The definition cache still forgets a collection
 * dropped behind this node's back within CACHE_TTL_MS.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CACHE_TTL_MS } from '../../src/services/collection-service.js';
import { createTestApp, createTestClock, loggedInUser, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

describe('detokenizing a hidden stored-field token and an unknown token read storage alike', () => {
  const clock = createTestClock();
  let t: TestApp;
  let admin: ReturnType<typeof vaultApi>;
  let prober: ReturnType<typeof vaultApi>;
  let hiddenToken = '';
  let unknownToken = '';
  let recordId = '';

  beforeAll(async () => {
    t = await createTestApp({ clock });
    admin = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
    expect((await admin.createCollection('patients')).statusCode).toBe(201);
    const created = await admin.create('patients', patient(1));
    expect(created.statusCode, created.body).toBe(201);
    recordId = (created.json() as { id: string }).id;
    const issue = async (body: object) => {
      const response = await admin.call('POST', '/v1/tokens', body);
      expect(response.statusCode, response.body).toBe(201);
      return (response.json() as { token: string }).token;
    };
    hiddenToken = await issue({
      kind: 'random',
      source: { collection: 'patients', record: recordId, field: 'card' },
    });
    unknownToken = await issue({ kind: 'deterministic', type: 'date', value: '1980-04-03' });
    expect((await admin.call('POST', '/v1/tokens/delete', { token: unknownToken })).statusCode).toBe(204);
    prober = vaultApi(t, (await loggedInUser(t)).headers);
  }, 60_000);
  afterAll(() => t?.close());

  /** Detokenizes `token` as the prober (TOKEN_NOT_FOUND either way) and counts the storage reads it made. */
  async function readsOf(token: string) {
    const stores = t.services.stores;
    const spies = {
      definitions: vi.spyOn(stores.collections, 'findById'),
      definitionsByName: vi.spyOn(stores.collections, 'findByName'),
      records: vi.spyOn(stores.records, 'find'),
      tokens: vi.spyOn(stores.tokens, 'find'),
    };
    try {
      const response = await prober.call('POST', '/v1/tokens/detokenize', { tokens: [token] });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ values: [{ token, error: 'TOKEN_NOT_FOUND' }] });
      return Object.fromEntries(Object.entries(spies).map(([name, spy]) => [name, spy.mock.calls.length]));
    } finally {
      for (const spy of Object.values(spies)) spy.mockRestore();
    }
  }

  it('reads the same while the cache is fresh, after a read of the collection by name, and after expiry', async () => {
    // The first lookup of each side fills its entry (a definition by id, or an id known to name nothing).
    await readsOf(hiddenToken);
    await readsOf(unknownToken);
    const fresh = await readsOf(hiddenToken);
    expect(fresh).toEqual({ definitions: 0, definitionsByName: 0, records: 1, tokens: 1 });
    expect(await readsOf(unknownToken)).toEqual(fresh);

    // A read of the collection by name refreshes its definition: the stored-field side gains nothing from it.
    expect((await admin.read('patients', recordId)).statusCode).toBe(200);
    expect(await readsOf(hiddenToken)).toEqual(fresh);
    expect(await readsOf(unknownToken)).toEqual(fresh);

    // Both entries expire and each side refills its own with one read, then answers from memory again.
    clock.advance(CACHE_TTL_MS);
    const refill = { ...fresh, definitions: 1 };
    expect(await readsOf(hiddenToken)).toEqual(refill);
    expect(await readsOf(unknownToken)).toEqual(refill);
    expect(await readsOf(hiddenToken)).toEqual(fresh);
    expect(await readsOf(unknownToken)).toEqual(fresh);
  });

  it('reads as much for a value several others hold as for a token nobody holds', async () => {
    const tokens = new Set<string>();
    for (let n = 0; n < 3; n++) {
      const holder = vaultApi(t, (await loggedInUser(t)).headers);
      const response = await holder.call('POST', '/v1/tokens', {
        kind: 'deterministic',
        type: 'date',
        value: '1975-01-01',
      });
      expect(response.statusCode, response.body).toBe(201);
      tokens.add((response.json() as { token: string }).token);
    }
    expect(tokens.size).toBe(1);
    const [held = ''] = tokens;
    await readsOf(held);
    await readsOf(unknownToken);
    expect(await readsOf(held)).toEqual(await readsOf(unknownToken));
    expect(await readsOf(held)).toMatchObject({ records: 1, tokens: 1 });
  });

  it('notices within CACHE_TTL_MS a collection dropped behind its back (another node)', async () => {
    const collections = t.services.collections;
    const cached = await collections.get('patients');
    expect((await collections.getById(cached.id))?.name).toBe('patients');
    // What another node's drop leaves in the shared database: no collection row, no records, no tokens.
    await t.services.stores.collections.dropWithData(cached.id);
    clock.advance(CACHE_TTL_MS - 1);
    expect((await collections.getById(cached.id))?.id).toBe(cached.id);
    clock.advance(1);
    expect(await collections.getById(cached.id)).toBeNull();
    await expect(collections.get('patients')).rejects.toMatchObject({ code: 'COLLECTION_NOT_FOUND' });
  });
});
