import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePercent, decodeQueryComponent } from './percent-decode.js';

describe('decodePercent', () => {
  it('decodes well-formed escapes once', () => {
    expect(decodePercent('a%20b%2Fc')).toBe('a b/c');
    expect(decodePercent('%E2%82%AC')).toBe('€');
    expect(decodePercent('%2570assword')).toBe('%70assword');
  });

  it('keeps malformed escapes as typed and still decodes the rest', () => {
    expect(decodePercent('%E0%A4%A')).toBe('\uFFFD%A');
    expect(decodePercent('100%')).toBe('100%');
    expect(decodePercent('%zz%41')).toBe('%zzA');
    expect(decodePercent('4242%204242%ZZ')).toBe('4242 4242%ZZ');
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (raw) => {
        expect(typeof decodePercent(raw)).toBe('string');
      }),
    );
  });
});

/** The obvious per-character lenient decoder, as a reference. */
function decodeSlowly(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    const bytes: number[] = [];
    let i = 0;
    while (i < raw.length) {
      const escaped = /^%[0-9A-Fa-f]{2}/.exec(raw.slice(i, i + 3));
      if (escaped !== null) {
        bytes.push(Number.parseInt(escaped[0].slice(1), 16));
        i += 3;
        continue;
      }
      const char = String.fromCodePoint(raw.codePointAt(i) ?? 0xfffd);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
    return Buffer.from(bytes).toString('utf8');
  }
}

describe('decodePercent on hostile input', () => {
  it('agrees with a per-character decoder', () => {
    const piece = fc.oneof(
      fc.constantFrom('%', '%2', '%E2', '%82', '%AC', '%41', '%zz', '%%', '\uD83D', '\uDE00', '€', 'a'),
      fc.string({ unit: 'binary', maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(piece), (pieces) => {
        const raw = pieces.join('');
        expect(decodePercent(raw)).toBe(decodeSlowly(raw));
      }),
    );
  });

  it('runs in linear time on long runs of escapes and stray percent signs', () => {
    const started = performance.now();
    for (const unit of ['%', '%2', '%E0%A4%A', '%41', '%%41', '%\uD83D']) decodePercent(unit.repeat(100_000));
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('decodeQueryComponent', () => {
  it('reads + as a space but %2B as a plus', () => {
    expect(decodeQueryComponent('a+b%2Bc')).toBe('a b+c');
  });
});
