import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQueryString } from './query-string.js';

describe('parseQueryString', () => {
  it('folds both filter forms into one object and keeps other parameters flat', () => {
    const query = parseQueryString('limit=5&filter.city=Paris&filter[plan]=pro&reveal=a,b');
    expect({ ...query, filter: { ...(query.filter as object) } }).toEqual({
      limit: '5',
      reveal: 'a,b',
      filter: { city: 'Paris', plan: 'pro' },
    });
  });

  it('turns a repeated key into an array, so a scalar schema refuses it', () => {
    expect(parseQueryString('limit=5&limit=6').limit).toEqual(['5', '6']);
    expect((parseQueryString('filter.a=1&filter[a]=2').filter as Record<string, unknown>).a).toEqual([
      '1',
      '2',
    ]);
    expect(Array.isArray(parseQueryString('filter=x&filter.a=1').filter)).toBe(true);
    expect(Array.isArray(parseQueryString('filter.a=1&filter=x').filter)).toBe(true);
  });

  it('decodes percent-encoding and plus signs like a form', () => {
    expect(parseQueryString('filter.city=S%C3%A3o+Paulo').filter).toEqual({ city: 'São Paulo' });
  });

  it('marks text whose percent-encoding is not UTF-8 instead of replacing it silently', () => {
    expect(parseQueryString('a=%FF').a).toBe('\uD800');
    expect(parseQueryString('a=%E2%82').a).toBe('\uD800');
    expect(parseQueryString('%FF=1')['\uD800']).toBe('1');
    expect(parseQueryString('a=%C3%A9&b=100%25').a).toBe('é');
  });

  it('never changes a prototype, whatever the keys', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(
              '__proto__',
              'constructor',
              'prototype',
              'filter',
              'filter.__proto__',
              'filter[__proto__]',
              'x',
            ),
            fc.string(),
          ),
        ),
        (pairs) => {
          const query = parseQueryString(new URLSearchParams(pairs).toString());
          expect(Object.getPrototypeOf(query)).toBeNull();
          const filter = query.filter;
          if (typeof filter === 'object' && !Array.isArray(filter))
            expect(Object.getPrototypeOf(filter)).toBeNull();
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
    );
  });
});
