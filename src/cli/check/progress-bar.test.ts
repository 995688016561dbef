import { describe, expect, it } from 'vitest';
import { createProgressBar } from './progress-bar.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (text: string) => written.push(text) };
}

describe('createProgressBar', () => {
  it('stays silent below the threshold', () => {
    const out = stream(true);
    const bar = createProgressBar(out, 'verifying', 1000);
    bar.onProgress(500, 999);
    bar.finish();
    expect(out.written).toEqual([]);
  });

  it('redraws one line on a terminal and ends it', () => {
    const out = stream(true);
    const bar = createProgressBar(out, 'verifying', 10);
    bar.onProgress(5, 10);
    bar.onProgress(10, 10);
    bar.finish();
    expect(out.written[0]).toBe(`\rverifying [${'#'.repeat(15)}${'.'.repeat(15)}] 50% 5/10`);
    expect(out.written[1]).toContain('100% 10/10');
    expect(out.written.at(-1)).toBe('\n');
  });

  it('writes a line per quarter elsewhere (CI logs)', () => {
    const out = stream(false);
    const bar = createProgressBar(out, 'verifying', 10);
    for (let done = 1; done <= 100; done++) bar.onProgress(done, 100);
    bar.finish();
    expect(out.written).toEqual([
      'verifying: 1% (1/100)\n',
      'verifying: 25% (25/100)\n',
      'verifying: 50% (50/100)\n',
      'verifying: 75% (75/100)\n',
      'verifying: 100% (100/100)\n',
    ]);
  });
});
