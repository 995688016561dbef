/**
 * What commands print on stdout: JSON with `--json` (the server's answer as it came, for scripts), else aligned
 * columns or `name: value` lines. Written by hand (a few lines of padding) rather than with a table library: plain
 * columns with no borders are what `grep` and `awk` want.
 */

export interface Output {
  line(text: string): void;
}

export const stdout: Output = { line: (text) => process.stdout.write(`${text}\n`) };

/** Lines printed to stderr: progress and notes that must not mix with the data on stdout. */
export const stderr: Output = { line: (text) => process.stderr.write(`${text}\n`) };

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cell).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** Rows as columns: a header of the column names in capitals, then one line per row. */
export function printTable(
  out: Output,
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
) {
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const header = columns.map((column) => column.toUpperCase());
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const format = (line: readonly string[]) =>
    line
      .map((text, i) => (i === line.length - 1 ? text : text.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  out.line(format(header));
  for (const line of cells) out.line(format(line));
}

/** One object as `name: value` lines, in the order of `names` (all its keys when omitted). */
export function printFields(out: Output, value: Record<string, unknown>, names?: readonly string[]) {
  const keys = names ?? Object.keys(value);
  const width = Math.max(0, ...keys.map((key) => key.length));
  for (const key of keys) out.line(`${`${key}:`.padEnd(width + 1)} ${cell(value[key])}`);
}

export function printJson(out: Output, value: unknown): void {
  out.line(JSON.stringify(value, null, 2));
}

/** `--json` prints `value` as JSON; otherwise `human` renders it. */
export function emit<T>(json: boolean | undefined, value: T, human: (value: T) => void): void {
  if (json === true) printJson(stdout, value);
  else human(value);
}
