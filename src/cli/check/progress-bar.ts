/**
 * A progress bar on stderr for long runs (the audit chain of `check deployment`), shown only past a threshold so
 * short runs stay quiet. On a terminal it redraws one line; otherwise (CI logs) it writes a line at each quarter.
 * stdout is never touched: it carries the report.
 */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** `onProgress(done, total)` for a run of `total` items; silent while total is below `threshold`. */
export function createProgressBar(stream: ProgressStream, label: string, threshold: number) {
  const WIDTH = 30;
  let lastQuarter = -1;
  let drawn = false;
  return {
    onProgress(done: number, total: number): void {
      if (total < threshold || total === 0) return;
      const ratio = Math.min(1, done / total);
      const percent = Math.floor(ratio * 100);
      if (stream.isTTY === true) {
        const filled = Math.round(ratio * WIDTH);
        stream.write(
          `\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${percent}% ${done}/${total}`,
        );
        drawn = true;
        return;
      }
      const quarter = Math.floor(ratio * 4);
      if (quarter === lastQuarter) return;
      lastQuarter = quarter;
      stream.write(`${label}: ${percent}% (${done}/${total})\n`);
    },
    /** Ends the bar's line (on a terminal). */
    finish(): void {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
