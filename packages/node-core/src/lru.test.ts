import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLru } from './lru.js';

describe('createLru', () => {
  it('forgets the least recently used entry beyond its bound', () => {
    const lru = createLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });

  it('stays bounded under many distinct keys', () => {
    const lru = createLru<number, number>(1000);
    for (let i = 0; i < 100_000; i++) lru.set(i, i);
    expect(lru.size).toBe(1000);
    expect(lru.get(99_999)).toBe(99_999);
    expect(lru.get(0)).toBeUndefined();
  });
});

describe('createLru against a model', () => {
  it('forgets exactly what a plain least-recently-used list forgets, repeated hits included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.constantFrom('get', 'set', 'delete'), fc.integer({ min: 0, max: 5 })), {
          maxLength: 60,
        }),
        (max, operations) => {
          const lru = createLru<number, number>(max);
          let model: number[] = [];
          for (const [operation, key] of operations) {
            if (operation === 'get') {
              const held = model.includes(key);
              expect(lru.get(key)).toBe(held ? key : undefined);
              if (held) model = [...model.filter((k) => k !== key), key];
            } else if (operation === 'set') {
              lru.set(key, key);
              model = [...model.filter((k) => k !== key), key].slice(-max);
            } else {
              lru.delete(key);
              model = model.filter((k) => k !== key);
            }
            expect(lru.size).toBe(model.length);
          }
        },
      ),
    );
  });
});
