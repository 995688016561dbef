/**
 * Keeps the code reviewable (issue 8): no source file over 300 lines and no function over 120, migrations aside
 * (a migration is a frozen record of a schema, read once). Functions are found with the TypeScript compiler's own
 * parser, so arrow functions, methods and nested factories all count.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 120;
const ROOT = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function longFunctions(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES)
        found.push(`${path.relative(ROOT, file)}:${start + 1} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('size limits under src/', () => {
  const files = sourceFiles(ROOT);

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it(`no file is over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file, lines: fs.readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_FILE_LINES)
      .map(({ file, lines }) => `${path.relative(ROOT, file)} (${lines} lines)`);
    expect(long).toEqual([]);
  });

  it(`no function is over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(files.flatMap((file) => longFunctions(file, fs.readFileSync(file, 'utf8')))).toEqual([]);
  });

  it('would see a long function', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`).join('\n');
    expect(longFunctions(path.join(ROOT, 'x.ts'), `export const f = () => {\n${body}\n};\n`)).toHaveLength(1);
    expect(longFunctions(path.join(ROOT, 'x.ts'), 'function g() {\n  return 1;\n}\n')).toEqual([]);
  });
});
