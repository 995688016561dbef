import { describe, expect, it } from 'vitest';
import { scanCandidates, scanWorkLimit } from './candidate-scan.js';
import { findJwts } from './jwt.js';

describe('scanCandidates', () => {
  it('resumes one character after a rejected candidate, so a decoy never hides what starts inside it', () => {
    const find = scanCandidates(/ab[a-z]{3}/g, (c) => (c === 'abxyz' ? [{ start: 0, end: c.length }] : []));
    // `abababxyz`: the first candidate (`ababa`) is rejected and would consume the `ab` of the real one.
    expect(find('abababxyz')).toEqual([{ start: 4, end: 9 }]);
  });

  it('without overlap, resumes after each candidate', () => {
    const find = scanCandidates(/\d+/g, () => [{ start: 0, end: 1 }], { overlapping: false });
    expect(find('12 34')).toEqual([
      { start: 0, end: 1 },
      { start: 3, end: 4 },
    ]);
  });

  it('bounds the candidate characters it examines and fails closed past the bound', () => {
    let examined = 0;
    const find = scanCandidates(/a+/g, (c) => {
      examined += c.length;
      return [];
    });
    const text = 'a'.repeat(20_000);
    // Every position starts a candidate running to the end: quadratic if unbounded.
    const spans = find(text);
    expect(examined).toBeLessThanOrEqual(scanWorkLimit(text));
    expect(spans).toHaveLength(1);
    expect(spans[0]?.end).toBe(text.length);
  });

  it('stops once a candidate is accepted up to the end of the text', () => {
    let calls = 0;
    const find = scanCandidates(/x[\s\S]*/g, (c) => {
      calls++;
      return [{ start: 0, end: c.length }];
    });
    expect(find('xxxxxxxx')).toEqual([{ start: 0, end: 8 }]);
    expect(calls).toBe(1);
  });
});

describe('findJwts', () => {
  it('fails closed on thousands of header starts in one run', () => {
    const text = `${'eyJ'.repeat(50_000)}.a.b`;
    const spans = findJwts(text);
    expect(spans.length).toBeGreaterThan(0);
    expect(spans.every((span) => span.end === text.length)).toBe(true);
  });

  it('needs a header of more than eyJ and a second segment', () => {
    expect(findJwts('eyJ.e30.x')).toEqual([]);
    expect(findJwts('eyJhbGciOiJub25lIn0..x')).toEqual([]);
  });
});
