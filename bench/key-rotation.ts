/**
 * Benchmark: collection key rotation. Re-encryption rate (records/s) while a reader loop reads records in the same
 * process, and peak memory during the job, which must stay flat as the data grows: the ratio compared is peak
 * RSS at the large size ÷ peak RSS at the small size (target ≤ 1.2). Each size runs in a fresh child.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchResult } from './report.js';

const run = promisify(execFile);
export const KEY_ROTATION_TARGET_RSS_RATIO = 1.2;

interface RotationRun {
  records: number;
  ms: number;
  rate: number;
  readRate: number;
  baselineRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
}

async function rotateInChild(dataDir: string, records: number): Promise<RotationRun> {
  const child = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'key-rotation-child.js');
  const { stdout } = await run(process.execPath, ['--expose-gc', child, dataDir, String(records)], {
    maxBuffer: 1 << 20,
    // The child must run on its defaults, whatever STRONGROOM_* variables this shell has.
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_'))),
  });
  return JSON.parse(stdout) as RotationRun;
}

/** Seeds and rotates `small` and `large` record sets, each in a fresh child and data directory. */
export async function benchKeyRotation(options: {
  workDir: string;
  small: number;
  large: number;
  log: (line: string) => void;
}): Promise<BenchResult> {
  const runs: RotationRun[] = [];
  for (const records of [options.small, options.large]) {
    const dataDir = path.join(options.workDir, `rotation-${records}`);
    const result = await rotateInChild(dataDir, records);
    options.log(
      `  ${records} records: ${result.rate.toFixed(0)} records/s re-encrypted, ${result.readRate.toFixed(0)} reads/s, ` +
        `peak RSS ${result.peakRssMb.toFixed(1)} MB, peak heap ${result.peakHeapMb.toFixed(1)} MB`,
    );
    runs.push(result);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
  const [small, large] = runs as [RotationRun, RotationRun];
  const ratio = large.peakRssMb / small.peakRssMb;
  return {
    name: `key rotation: peak RSS at ${large.records} ÷ ${small.records} records`,
    measured: { value: large.peakRssMb, unit: 'MB' },
    baseline: { value: small.peakRssMb, unit: 'MB' },
    ratio,
    target: `≤ ${KEY_ROTATION_TARGET_RSS_RATIO}`,
    pass: ratio <= KEY_ROTATION_TARGET_RSS_RATIO,
    details: {
      [`re-encryption rate at ${large.records} (records/s)`]: large.rate,
      [`re-encryption rate at ${small.records} (records/s)`]: small.rate,
      [`reads served during the job at ${large.records} (reads/s)`]: large.readRate,
      [`reads served during the job at ${small.records} (reads/s)`]: small.readRate,
      [`peak heap at ${large.records} (MB)`]: large.peakHeapMb,
      [`peak heap at ${small.records} (MB)`]: small.peakHeapMb,
      [`RSS before the job at ${large.records} (MB)`]: large.baselineRssMb,
      [`RSS before the job at ${small.records} (MB)`]: small.baselineRssMb,
    },
  };
}
