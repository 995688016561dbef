/**
 * Long lines are scanned in bounded, overlapping segments: a secret anywhere in a line far longer than a segment
 * (across a segment edge included) is reported exactly once, at its column, and hidden in the redacted copy.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/check/index.js';
import { type LineSegment, segmentLines } from '../../src/check/logs/line-segments.js';
import { createRedactedWriter } from '../../src/check/logs/redacted-writer.js';
import { scanLog } from '../../src/check/logs/scan-log.js';

const SEGMENTS = { maxSegment: 256, overlap: 96 };
const SECRETS = [
  { rule: 'logs/aws-access-key', value: 'AKIAVNAM7AXDL5YR5PBP' },
  { rule: 'logs/github-token', value: 'ghp_6LsfiQEHudBlC2IDGO80HYs1877WGQCFyUM8' },
  { rule: 'logs/card-number', value: '4111 1111 1111 1111' },
  {
    rule: 'logs/jwt',
    value: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1In0.B85cTErLZuw-8jHS1jVvmGcRwT6PCw-MyUtBLzB',
  },
];

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Splits `text` into chunks of the given sizes (cycled), as a stream would deliver it. */
function chunked(text: string, sizes: readonly number[]): AsyncIterable<string> {
  const chunks: string[] = [];
  for (let i = 0, k = 0; i < text.length; k++) {
    const size = sizes[k % sizes.length] ?? 1;
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return Readable.from(chunks);
}

async function scan(text: string, sizes: readonly number[]) {
  const findings: Finding[] = [];
  let copy = '';
  const writer = createRedactedWriter({
    write: async (t) => {
      copy += t;
    },
  });
  await scanLog(chunked(text, sizes), {
    file: 'x',
    onFinding: (f) => findings.push(f),
    writer,
    segments: SEGMENTS,
  });
  return { findings, copy };
}

describe('bounded segments', () => {
  it('owned parts tile each line exactly and no segment exceeds the bound', async () => {
    const line = 'a'.repeat(1000);
    const segments: LineSegment[] = await collect(
      segmentLines(Readable.from([`${line}\nshort\n`]), SEGMENTS),
    );
    expect(Math.max(...segments.map((s) => s.text.length))).toBeLessThanOrEqual(SEGMENTS.maxSegment);
    const first = segments.filter((s) => s.line === 1);
    expect(first.map((s) => s.text.slice(0, s.owned)).join('')).toBe(line);
    expect(segments.at(-1)).toMatchObject({ line: 2, text: 'short', endsLine: true, newline: true });
  });

  it('finds a secret once wherever it sits in a long line, and the copy hides it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SECRETS),
        fc.integer({ min: 0, max: 2000 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 4 }),
        async (secret, at, sizes) => {
          const filler = 'lorem ipsum dolor sit amet '.repeat(100).slice(0, 2400);
          const line = `${filler.slice(0, at)} ${secret.value} ${filler.slice(at)}`;
          const { findings, copy } = await scan(`${line}\nnext line\n`, sizes);
          expect(findings.map((f) => [f.ruleId, f.location.line, f.location.column])).toEqual([
            [secret.rule, 1, at + 2],
          ]);
          expect(copy).toBe(`${filler.slice(0, at)} [REDACTED] ${filler.slice(at)}\nnext line\n`);
        },
      ),
      { numRuns: 200 },
    );
  });
});
