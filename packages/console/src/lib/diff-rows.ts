/** A line diff between two texts (jsdiff's `diffLines`), as rows to show side by side with line numbers. */
import { diffLines } from 'diff';

export interface DiffRow {
  kind: 'same' | 'add' | 'del';
  text: string;
  /** Line in the old text (same and del rows). */
  oldLine?: number;
  /** Line in the new text (same and add rows). */
  newLine?: number;
}

function linesOf(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Every line of both texts once: unchanged, removed (old only) or added (new only), in reading order. */
export function diffRows(oldText: string, newText: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const change of diffLines(oldText, newText)) {
    for (const text of linesOf(change.value)) {
      if (change.added) rows.push({ kind: 'add', text, newLine: newLine++ });
      else if (change.removed) rows.push({ kind: 'del', text, oldLine: oldLine++ });
      else rows.push({ kind: 'same', text, oldLine: oldLine++, newLine: newLine++ });
    }
  }
  return rows;
}
