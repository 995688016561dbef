/**
 * Timing comparison of two requests that must be indistinguishable: interleaved samples (the order alternates
 * every round, so drift and load hit both sides alike), a warm-up that is thrown away, the same symmetric trim on
 * both sides (the slowest and fastest `trim` share of each: GC pauses and other processes' bursts), and Welch's t
 * of the trimmed means (Yuen's form, with winsorized variances). No absolute time is asserted anywhere: only the
 * t statistic, which is scale-free.
 */

export interface TimingResult {
  t: number;
  /** Trimmed means, in microseconds (for reports only). */
  meanA: number;
  meanB: number;
  samples: number;
}

/** Welch's t of two samples (unequal variances). */
export function welchT(a: readonly number[], b: readonly number[]): number {
  return yuenT(a, b, 0);
}

/**
 * Yuen's t: Welch's t on `trim`-trimmed means, with winsorized variances (so trimming does not make the spread
 * look smaller than it is). With `trim` 0 it is Welch's t.
 */
export function yuenT(a: readonly number[], b: readonly number[], trim: number): number {
  const stats = (xs: readonly number[]) => {
    const sorted = [...xs].sort((p, q) => p - q);
    const n = sorted.length;
    const g = Math.floor(n * trim);
    const h = n - 2 * g;
    const kept = sorted.slice(g, n - g);
    const mean = kept.reduce((s, x) => s + x, 0) / h;
    const low = sorted[g] ?? 0;
    const high = sorted[n - g - 1] ?? 0;
    const winsorized = sorted.map((x) => Math.min(Math.max(x, low), high));
    const wMean = winsorized.reduce((s, x) => s + x, 0) / n;
    const wVariance = winsorized.reduce((s, x) => s + (x - wMean) ** 2, 0) / (n - 1);
    return { mean, d: ((n - 1) * wVariance) / (h * (h - 1)) };
  };
  const x = stats(a);
  const y = stats(b);
  const se = Math.sqrt(x.d + y.d);
  return se === 0 ? 0 : (x.mean - y.mean) / se;
}

/** The trimmed mean of `xs` (without its `share` fastest and `share` slowest values). */
export function trimmedMean(xs: readonly number[], share: number): number {
  const sorted = [...xs].sort((p, q) => p - q);
  const cut = Math.floor(sorted.length * share);
  const kept = sorted.slice(cut, sorted.length - cut);
  return kept.reduce((s, x) => s + x, 0) / kept.length;
}

/**
 * Runs `a` and `b` `samples` times each, interleaved, after `warmup` unmeasured rounds; `check` sees every answer
 * (so a test also proves both sides answer alike). Returns Yuen's t of the durations.
 */
export async function compareTimings<R>(
  a: () => Promise<R>,
  b: () => Promise<R>,
  options: { samples: number; warmup: number; trim: number; check: (answer: R, side: 'a' | 'b') => void },
): Promise<TimingResult> {
  const durations = { a: [] as number[], b: [] as number[] };
  const timed = async (side: 'a' | 'b', measured: boolean) => {
    const start = process.hrtime.bigint();
    const answer = await (side === 'a' ? a() : b());
    const micros = Number(process.hrtime.bigint() - start) / 1000;
    options.check(answer, side);
    if (measured) durations[side].push(micros);
  };
  for (let round = 0; round < options.warmup + options.samples; round++) {
    const measured = round >= options.warmup;
    // ABBA: each side goes first in half the rounds.
    const order: Array<'a' | 'b'> = round % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
    for (const side of order) await timed(side, measured);
  }
  return {
    t: yuenT(durations.a, durations.b, options.trim),
    meanA: trimmedMean(durations.a, options.trim),
    meanB: trimmedMean(durations.b, options.trim),
    samples: options.samples,
  };
}
