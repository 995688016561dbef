/**
 * Where in the policy text a problem is: the line of a YAML/JSON parse error, or of the node a server
 * VALIDATION_FAILED names (`body.roles.admin.rules[0].actions[1]`). A path that goes past what the text holds
 * (a required member that is missing) points at the deepest part that exists, and says it is not exact.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

export interface TextProblem {
  /** 1-based line. */
  line: number;
  message: string;
}

/** `body.roles.admin.rules[0].actions[1]` → ['roles', 'admin', 'rules', 0, 'actions', 1] (`body` dropped). */
export function parseFieldPath(field: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) parts.push(Number(match[2]));
    else if (match[1] !== undefined) parts.push(/^\d+$/.test(match[1]) ? Number(match[1]) : match[1]);
  }
  if (parts[0] === 'body' || parts[0] === '$') parts.shift();
  return parts;
}

/** The text parsed once, to look paths up in. */
export function indexText(text: string) {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const lineAt = (offset: number) => counter.linePos(offset).line;

  return {
    /** The first parse error, at its line; null when the text parses. */
    parseError(): TextProblem | null {
      const error = doc.errors[0];
      if (error === undefined) return null;
      return { line: lineAt(error.pos[0]), message: error.message.split('\n')[0] ?? error.message };
    },
    /** The document as data (after a successful parse). */
    value(): unknown {
      return doc.toJS();
    },
    /** The line `path` names, and whether the whole path was found. */
    lineOf(path: readonly (string | number)[]): { line: number; exact: boolean } {
      let node: Node | null | undefined = doc.contents as Node | null;
      let line = node?.range === undefined || node.range === null ? 1 : lineAt(node.range[0]);
      for (const part of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
          if (pair === undefined) return { line, exact: false };
          const key = pair.key as Node;
          if (key.range !== undefined && key.range !== null) line = lineAt(key.range[0]);
          node = pair.value as Node | null;
        } else if (isSeq(node) && typeof part === 'number') {
          const item = node.items[part] as Node | undefined;
          if (item === undefined) return { line, exact: false };
          if (item.range !== undefined && item.range !== null) line = lineAt(item.range[0]);
          node = item;
        } else {
          return { line, exact: false };
        }
      }
      return { line, exact: true };
    },
  };
}

/** The line a server error names: "line N" in a parse error's message, else the node of its field. */
export function lineOfServerError(
  text: string,
  error: { field?: string | undefined; message: string },
): number {
  const stated = /\bline (\d+)/.exec(error.message);
  if (stated?.[1] !== undefined) return Number(stated[1]);
  if (error.field === undefined) return 1;
  return indexText(text).lineOf(parseFieldPath(error.field)).line;
}
