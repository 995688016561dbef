/**
 * `check logs` streams: scanning a 12× larger log (with secrets throughout and a multi-megabyte line) must not
 * grow peak RSS by more than a fixed bound. Each scan runs in a fresh child process (the built dist/, as the CLI
 * runs) that reports its own peak RSS, so the test process's heap does not blur the measure. A memory bound,
 * not a timing assertion.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHECK = path.resolve('dist/src/check/index.js');
const MB = 1024 * 1024;
/** Growth allowed between the two scans; a scanner that held the log (or a line) whole would grow by ~90 MB. */
const MAX_RSS_GROWTH = 32 * MB;

function writeLog(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  const block = Array.from({ length: 2000 }, (_, i) =>
    i % 97 === 0
      ? `2026-12-04T10:00:00Z WARN login failed user=u${i} password=hunter2-${i} from 10.0.0.${i % 250}`
      : `2026-12-04T10:00:00Z INFO request id=${i.toString(16).padStart(8, '0')} GET /v1/records status=200 ms=${i % 90}`,
  ).join('\n');
  let written = 0;
  while (written < bytes) {
    written += fs.writeSync(fd, `${block}\n`);
    // One line of 4 MB in the middle: a line that is never held whole.
    if (written > bytes / 2 && written < bytes / 2 + block.length + 1) {
      written += fs.writeSync(fd, `${'x'.repeat(4 * MB)} AKIAVNAM7AXDL5YR5PBP\n`);
    }
  }
  fs.closeSync(fd);
}

function peakRss(file: string): { maxRss: number; lines: number; findings: number } {
  const script = `
    import { checkLogs } from ${JSON.stringify(CHECK)};
    import { Readable } from 'node:stream';
    const report = await checkLogs({ files: [${JSON.stringify(file)}], stdin: Readable.from([]) });
    const total = report.totals.high + report.totals.medium + report.totals.low;
    process.stdout.write(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024, lines: report.scanned.lines, findings: total }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`scan failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

describe('check logs memory', () => {
  let dir: string;
  beforeAll(() => {
    if (!fs.existsSync(CHECK))
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-check-mem-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps peak RSS flat from an 8 MB log to a 96 MB one', () => {
    const small = path.join(dir, 'small.log');
    const large = path.join(dir, 'large.log');
    writeLog(small, 8 * MB);
    writeLog(large, 96 * MB);
    const a = peakRss(small);
    const b = peakRss(large);
    expect(b.lines).toBeGreaterThan(a.lines * 10);
    expect(b.findings).toBeGreaterThan(a.findings * 10);
    expect(b.maxRss - a.maxRss).toBeLessThan(MAX_RSS_GROWTH);
  }, 120_000);
});
