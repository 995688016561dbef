/**
 * Steady-state completion rates. Counting completions over a fixed window undercounts by up to one service time
 * (the pool starts empty, jobs in flight at the end are lost), which matters when one job takes ~50-100 ms and the
 * window is a few seconds. Measuring from the first to the last completion has no such bias.
 */

export interface RateWindow {
  /** Completions after the first one. */
  intervals: number;
  /** Milliseconds from the first completion to the last. */
  spanMs: number;
}

/** The window spanned by completion times in milliseconds (in any order). */
export function windowOf(times: readonly number[]): RateWindow {
  if (times.length < 2) return { intervals: 0, spanMs: 0 };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const time of times) {
    first = Math.min(first, time);
    last = Math.max(last, time);
  }
  return { intervals: times.length - 1, spanMs: last - first };
}

/** Completions per second over several windows taken together; NaN when they span no time. */
export function rateOf(windows: readonly RateWindow[]): number {
  const intervals = windows.reduce((sum, w) => sum + w.intervals, 0);
  const spanMs = windows.reduce((sum, w) => sum + w.spanMs, 0);
  return spanMs > 0 ? (intervals * 1000) / spanMs : Number.NaN;
}
