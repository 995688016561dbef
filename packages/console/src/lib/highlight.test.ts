import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { highlight, tokenizeLine } from './highlight.js';

const kinds = (line: string) => tokenizeLine(line).map((t) => [t.kind, t.text]);

describe('the policy highlighter', () => {
  it('keeps every character of every line, in order (joined tokens are the line)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab1-:# "\'{}[],\\\t.~e'.split('')) }), (line) => {
        expect(
          tokenizeLine(line)
            .map((t) => t.text)
            .join(''),
        ).toBe(line);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(
          highlight(text)
            .map((line) => line.map((t) => t.text).join(''))
            .join('\n'),
        ).toBe(text);
      }),
    );
  });

  it('tells YAML keys, strings, numbers, literals, list markers and comments apart', () => {
    expect(kinds('  admin:')).toEqual([
      ['plain', '  '],
      ['key', 'admin'],
      ['punct', ':'],
    ]);
    expect(kinds('version: 1')).toEqual([
      ['key', 'version'],
      ['punct', ':'],
      ['plain', ' '],
      ['number', '1'],
    ]);
    expect(kinds('- effect: allow # why')).toEqual([
      ['punct', '-'],
      ['plain', ' '],
      ['key', 'effect'],
      ['punct', ':'],
      ['plain', ' '],
      ['string', 'allow'],
      ['plain', ' '],
      ['comment', '# why'],
    ]);
    expect(kinds("  - 'collections/*'")).toEqual([
      ['plain', '  '],
      ['punct', '-'],
      ['plain', ' '],
      ['string', "'collections/*'"],
    ]);
    expect(kinds('ok: true')[3]).toEqual(['literal', 'true']);
    expect(kinds('path: a:b')[3]).toEqual(['string', 'a:b']);
    expect(kinds('v: 10.5e3')[3]).toEqual(['number', '10.5e3']);
    expect(kinds('v: 10abc')[3]).toEqual(['string', '10abc']);
  });

  it('reads JSON too: quoted keys, values and punctuation', () => {
    expect(kinds('  "roles": {"a": [1, null]},')).toEqual([
      ['plain', '  '],
      ['key', '"roles"'],
      ['punct', ':'],
      ['plain', ' '],
      ['punct', '{'],
      ['key', '"a"'],
      ['punct', ':'],
      ['plain', ' '],
      ['punct', '['],
      ['number', '1'],
      ['punct', ','],
      ['plain', ' '],
      ['literal', 'null'],
      ['punct', ']'],
      ['punct', '}'],
      ['punct', ','],
    ]);
    expect(kinds('"say \\"hi\\": there"')).toEqual([['string', '"say \\"hi\\": there"']]);
  });
});
