import { describe, expect, it } from 'vitest';
import { createCollectionCache } from './collection-cache.js';
import type { Collection } from './collection-model.js';

const TTL = 2000;

function collection(name: string, id = `id-${name}`): Collection {
  return { id, name, fields: [], keyId: `c_${id}`, indexKeyId: `i_${id}`, createdAt: 0 };
}

function setUp(maxEntries = 10) {
  let now = 1_000_000;
  const cache = createCollectionCache({ clock: () => now, ttlMs: TTL, maxEntries });
  return {
    cache,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('collection definition cache', () => {
  it('answers a remembered definition by name and by id until it is CACHE_TTL_MS old', () => {
    const { cache, advance } = setUp();
    const patients = collection('patients');
    expect(cache.byName('patients')).toBeUndefined();
    expect(cache.byId(patients.id)).toBeUndefined();
    cache.remember(patients);
    advance(TTL - 1);
    expect(cache.byName('patients')).toBe(patients);
    expect(cache.byId(patients.id)).toBe(patients);
    advance(1);
    expect(cache.byName('patients')).toBeUndefined();
    expect(cache.byId(patients.id)).toBeUndefined();
  });

  it('remembers an id that names nothing for the same time, as null', () => {
    const { cache, advance } = setUp();
    cache.rememberMissing('nobody');
    expect(cache.byId('nobody')).toBeNull();
    advance(TTL - 1);
    expect(cache.byId('nobody')).toBeNull();
    advance(1);
    expect(cache.byId('nobody')).toBeUndefined();
  });

  it('forgets an entry remembered in the future (a clock set back)', () => {
    const { cache, advance } = setUp();
    cache.remember(collection('patients'));
    cache.rememberMissing('nobody');
    advance(-1);
    expect(cache.byName('patients')).toBeUndefined();
    expect(cache.byId('id-patients')).toBeUndefined();
    expect(cache.byId('nobody')).toBeUndefined();
  });

  it('forgets a collection by name under every id it was cached with (dropped and created again)', () => {
    const { cache } = setUp();
    cache.remember(collection('patients', 'old'));
    cache.remember(collection('patients', 'new'));
    cache.remember(collection('orders'));
    cache.forget('patients');
    expect(cache.byName('patients')).toBeUndefined();
    expect(cache.byId('old')).toBeUndefined();
    expect(cache.byId('new')).toBeUndefined();
    expect(cache.byName('orders')?.id).toBe('id-orders');
  });

  it('holds at most maxEntries ids, known or not', () => {
    const { cache } = setUp(3);
    for (const id of ['a', 'b', 'c']) cache.rememberMissing(id);
    expect(cache.byId('c')).toBeNull();
    cache.rememberMissing('d');
    expect(cache.byId('a')).toBeUndefined();
    expect(cache.byId('d')).toBeNull();
  });
});
