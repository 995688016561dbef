import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

function hasNegativeZero(value: unknown): boolean {
  if (Object.is(value, -0)) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(hasNegativeZero);
}

const jsonValue = fc.jsonValue().filter((v) => !hasNegativeZero(v));

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const rotated = entries.map((_, i) => entries[(i + seed) % entries.length] as [string, unknown]).reverse();
  return Object.fromEntries(rotated.map(([k, v]) => [k, shuffleKeys(v, seed)]));
}

describe('canonicalJson', () => {
  it('sorts keys and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x', { d: 2.5, c: -1 }] })).toBe(
      '{"a":[true,null,"x",{"c":-1,"d":2.5}],"b":1}',
    );
  });

  it('orders keys by UTF-16 code units (RFC 8785 section 3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const expected = order.map(
      (k) => `${JSON.stringify(k)}:${JSON.stringify(input[k as keyof typeof input])}`,
    );
    expect(canonicalJson(input)).toBe(`{${expected.join(',')}}`);
  });

  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(jsonValue, fc.nat(20), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it('parses back to the same value, so distinct values never share an encoding', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(JSON.parse(canonicalJson(value))).toStrictEqual(value);
      }),
    );
    fc.assert(
      fc.property(jsonValue, jsonValue, (a, b) => {
        fc.pre(canonicalJson(a) === canonicalJson(b));
        expect(a).toStrictEqual(b);
      }),
    );
  });

  it('rejects values JSON cannot carry exactly', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const sparse: unknown[] = [];
    sparse[1] = 1;
    const rejected: unknown[] = [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      10n,
      () => 1,
      Symbol('s'),
      '\ud800',
      'a\udc00b',
      { '\ud83d': 1 },
      { a: undefined },
      { [Symbol('k')]: 1 },
      sparse,
      new Date(0),
      new Map(),
      new (class Box {})(),
      cyclic,
    ];
    for (const value of rejected) expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('accepts well-formed surrogate pairs', () => {
    expect(canonicalJson('\ud83d\ude00')).toBe('"\ud83d\ude00"');
  });
});
