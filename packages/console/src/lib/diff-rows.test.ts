import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffRows } from './diff-rows.js';

describe('policy diff rows', () => {
  it('marks added, removed and unchanged lines with their numbers on each side', () => {
    expect(diffRows('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual([
      { kind: 'same', text: 'a', oldLine: 1, newLine: 1 },
      { kind: 'del', text: 'b', oldLine: 2 },
      { kind: 'add', text: 'B', newLine: 2 },
      { kind: 'same', text: 'c', oldLine: 3, newLine: 3 },
      { kind: 'add', text: 'd', newLine: 4 },
    ]);
    expect(diffRows('same\n', 'same\n')).toEqual([{ kind: 'same', text: 'same', oldLine: 1, newLine: 1 }]);
  });

  it('rebuilds both texts from its rows', () => {
    const text = fc
      .array(fc.constantFrom('x', 'y', 'z', '  - read', ''), { maxLength: 12 })
      .map((lines) => lines.map((l) => `${l}\n`).join(''));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const rows = diffRows(before, after);
        const side = (kind: 'add' | 'del') =>
          rows
            .filter((r) => r.kind !== kind)
            .map((r) => `${r.text}\n`)
            .join('');
        expect(side('add')).toBe(before);
        expect(side('del')).toBe(after);
      }),
    );
  });
});
