/**
 * `strongroom check logs` throughput: MB/s scanning a generated 64 MB log (plain and JSON lines, a secret every
 * ~100 lines, one 4 MB line), against the same run's baseline of only reading, decoding and splitting the file
 * into the same bounded segments (what any streaming scanner pays before it looks at a byte). Alternating rounds,
 * in-process; peak RSS is reported to show memory stays flat.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { checkLogs } from '../src/check/index.js';
import { segmentLines } from '../src/check/logs/line-segments.js';
import { decodeLog } from '../src/check/logs/log-input.js';
import type { BenchResult } from './report.js';

const MB = 1024 * 1024;
export const LOG_SCAN_TARGET_RATIO = 0.1;

function sampleBlock(): string {
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const id = i.toString(16).padStart(8, '0');
    if (i % 100 === 7)
      lines.push(`2026-12-04T10:00:00.000Z WARN login failed user=u${i} password=hunter2-${id}`);
    else if (i % 100 === 51)
      lines.push(`{"level":30,"msg":"charge","card":"4111111111111111","req":"${id}"}`);
    else if (i % 2 === 0) {
      lines.push(
        `2026-12-04T10:00:${String(i % 60).padStart(2, '0')}.000Z INFO GET /v1/records/${id} status=200 ms=${i % 90}`,
      );
    } else
      lines.push(
        `{"level":30,"time":1733306400${i % 1000},"reqId":"${id}","msg":"request completed","ms":${i % 90}}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

async function writeLog(file: string, bytes: number): Promise<void> {
  const handle = await fs.open(file, 'w');
  const block = sampleBlock();
  for (let written = 0; written < bytes; written += block.length) {
    await handle.write(block);
    if (written < bytes / 2 && written + block.length >= bytes / 2)
      await handle.write(`${'x'.repeat(4 * MB)}\n`);
  }
  await handle.close();
}

async function readOnly(file: string): Promise<void> {
  for await (const segment of segmentLines(decodeLog(createReadStream(file)))) void segment;
}

export async function benchLogScan(options: {
  workDir: string;
  megabytes: number;
  rounds: number;
  log: (line: string) => void;
}): Promise<BenchResult> {
  const file = path.join(options.workDir, 'log-scan.log');
  await writeLog(file, options.megabytes * MB);
  const size = (await fs.stat(file)).size / MB;
  let scanSeconds = 0;
  let readSeconds = 0;
  let findings = 0;
  let lines = 0;
  for (let round = 0; round < options.rounds; round++) {
    let started = performance.now();
    await readOnly(file);
    readSeconds += (performance.now() - started) / 1000;
    started = performance.now();
    const report = await checkLogs({ files: [file], stdin: Readable.from([]) });
    scanSeconds += (performance.now() - started) / 1000;
    findings = report.totals.high + report.totals.medium + report.totals.low;
    lines = report.scanned.lines ?? 0;
    options.log(
      `  round ${round + 1}: scan ${(size / ((performance.now() - started) / 1000)).toFixed(1)} MB/s`,
    );
  }
  const scanRate = (size * options.rounds) / scanSeconds;
  const readRate = (size * options.rounds) / readSeconds;
  const ratio = scanRate / readRate;
  await fs.rm(file, { force: true });
  return {
    name: 'check logs: scan rate vs read+split',
    measured: { value: scanRate, unit: 'MB/s' },
    baseline: { value: readRate, unit: 'MB/s' },
    ratio,
    target: `>= ${LOG_SCAN_TARGET_RATIO} of read+split`,
    pass: ratio >= LOG_SCAN_TARGET_RATIO,
    details: {
      'log size (MB)': size,
      lines,
      findings,
      'peak RSS of the bench process (MB)': process.resourceUsage().maxRSS / 1024,
    },
  };
}
