/**
 * Benchmark 4: rows per second of field encryption plus one blind index (five fields per row, see
 * field-crypto-rate.ts) by Strongroom's src/crypto against ciphersweet-js doing the same work, both in one child
 * process. The sides alternate in short rounds, in swapped order every other round, so drifting background load
 * or CPU frequency affects both alike; each side's figure is the median of its rounds. The read path (decrypting
 * the five fields) is measured the same way and reported alongside.
 */
import type { BenchChild } from './child-handle.js';
import type { FieldCryptoOp, FieldCryptoSide, FieldCryptoWindow } from './field-crypto-rate.js';
import type { BenchResult } from './report.js';

export const FIELD_CRYPTO_TARGET_RATIO = 1.0;
const SIDES: readonly FieldCryptoSide[] = ['strongroom', 'ciphersweet'];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const rowsPerSecond = (w: FieldCryptoWindow) => (w.rows * 1000) / w.ms;
const cpuUsPerRow = (w: FieldCryptoWindow) => (w.cpuMs * 1000) / w.rows;

/** Alternating rounds of one operation on both sides; per side, the window of every round. */
async function rounds(
  child: BenchChild,
  op: FieldCryptoOp,
  count: number,
  seconds: number,
  warmupSeconds: number,
): Promise<Record<FieldCryptoSide, FieldCryptoWindow[]>> {
  const windows: Record<FieldCryptoSide, FieldCryptoWindow[]> = { strongroom: [], ciphersweet: [] };
  for (let round = 0; round < count; round++) {
    const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order) {
      const warm = round === 0 ? warmupSeconds : 0;
      windows[side].push(
        await child.call({ kind: 'measure-field-crypto', side, op, seconds, warmupSeconds: warm }),
      );
    }
  }
  return windows;
}

/** Measures field-crypto rows/s on both sides (write path, then read path); returns the write ratio. */
export async function benchFieldCrypto(options: {
  child: BenchChild;
  rounds: number;
  writeSecondsPerRound: number;
  readSecondsPerRound: number;
  warmupSeconds: number;
}): Promise<BenchResult> {
  const { child } = options;
  const write = await rounds(
    child,
    'write',
    options.rounds,
    options.writeSecondsPerRound,
    options.warmupSeconds,
  );
  const read = await rounds(
    child,
    'read',
    options.rounds,
    options.readSecondsPerRound,
    options.warmupSeconds / 2,
  );
  const rate = (windows: FieldCryptoWindow[]) => median(windows.map(rowsPerSecond));
  const cpu = (windows: FieldCryptoWindow[]) => median(windows.map(cpuUsPerRow));
  const ours = rate(write.strongroom);
  const theirs = rate(write.ciphersweet);
  const ratio = ours / theirs;
  const perRound = (windows: Record<FieldCryptoSide, FieldCryptoWindow[]>) =>
    windows.strongroom
      .map((w, i) => (rowsPerSecond(w) / rowsPerSecond(windows.ciphersweet[i] ?? w)).toFixed(2))
      .join(' ');
  return {
    name: 'field crypto rows vs ciphersweet-js',
    measured: { value: ours, unit: 'rows/s' },
    baseline: { value: theirs, unit: 'rows/s' },
    ratio,
    cpuRatio: cpu(write.ciphersweet) / cpu(write.strongroom),
    target: `ratio >= ${FIELD_CRYPTO_TARGET_RATIO.toFixed(1)}`,
    pass: ratio >= FIELD_CRYPTO_TARGET_RATIO,
    details: {
      row: '5 text fields encrypted + 1 blind index (lower-cased email, 16 bytes)',
      baselineBackend:
        'ciphersweet-js FIPSCrypto (AES-256-CTR + HMAC-SHA-384), fast blind index (PBKDF2-SHA-384 x1)',
      rounds: options.rounds,
      writeSecondsPerRound: options.writeSecondsPerRound,
      writePerRoundRatios: perRound(write),
      writeCpuUsPerRow: cpu(write.strongroom),
      baselineWriteCpuUsPerRow: cpu(write.ciphersweet),
      readRowsPerSecond: rate(read.strongroom),
      baselineReadRowsPerSecond: rate(read.ciphersweet),
      readRatio: rate(read.strongroom) / rate(read.ciphersweet),
      readPerRoundRatios: perRound(read),
      readCpuUsPerRow: cpu(read.strongroom),
      baselineReadCpuUsPerRow: cpu(read.ciphersweet),
    },
  };
}
