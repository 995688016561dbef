/**
 * Benchmark results: each is a measurement and a baseline taken in the same run, their ratio, and an
 * informational target. Printed as a table and written as JSON; nothing here fails the process.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export interface Figure {
  value: number;
  unit: string;
}

export interface BenchResult {
  name: string;
  measured: Figure;
  baseline: Figure;
  ratio: number;
  /** Baseline CPU time per operation ÷ measured CPU time per operation, where both are known. */
  cpuRatio?: number;
  target: string;
  pass: boolean;
  details: Record<string, number | string>;
}

function formatFigure(figure: Figure): string {
  const digits = Math.abs(figure.value) >= 100 ? 0 : Math.abs(figure.value) >= 10 ? 1 : 2;
  return `${figure.value.toFixed(digits)} ${figure.unit}`;
}

/** Renders the results as a fixed-width text table. */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['benchmark', 'measured', 'baseline', 'ratio', 'cpu ratio', 'target', 'result'];
  const rows = results.map((r) => [
    r.name,
    formatFigure(r.measured),
    formatFigure(r.baseline),
    r.ratio.toFixed(3),
    r.cpuRatio === undefined ? '-' : r.cpuRatio.toFixed(3),
    r.target,
    r.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Writes the results, with the machine they ran on, to `file` (directories created as needed). */
export async function writeResults(
  file: string,
  results: readonly BenchResult[],
  machine: object,
): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const document = { date: new Date().toISOString(), machine, results };
  await fs.writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
}
