/**
 * Policy documents written in YAML (a policy file, or `PUT /v1/policies` with `Content-Type: application/yaml`),
 * parsed into the plain JSON value a JSON document would be.
 * Invariants: one document only; duplicate keys refused; no tag of any kind (`!!binary`, `!custom`, `!!js/…`:
 * a policy is maps, lists, strings, numbers and booleans, and a tag could only make something else); aliases
 * expand at most MAX_ALIAS_COUNT times, the yaml library's guard against exponential expansion ("billion laughs");
 * the caller bounds the text's size. Errors carry the line and column (of a tagged node: its value), never a
 * piece of the text.
 */
import { parseDocument, visit } from 'yaml';

/** Alias expansions allowed in one document (the yaml library's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;

export type YamlOutcome =
  | { ok: true; document: unknown }
  | { ok: false; problem: string; line?: number; column?: number };

/** Parses `text` as one YAML policy document. */
export function parsePolicyYaml(text: string): YamlOutcome {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, logLevel: 'silent' });
  const [first] = [...doc.errors, ...doc.warnings];
  if (first !== undefined) {
    const at = first.linePos?.[0];
    return {
      ok: false,
      problem: 'is not valid YAML',
      ...(at === undefined ? {} : { line: at.line, column: at.col }),
    };
  }
  let tagged: { line: number; column: number } | null = null;
  visit(doc, {
    Node(_key, node) {
      if (node.tag === undefined) return undefined;
      const offset = node.range?.[0] ?? 0;
      const before = text.slice(0, offset).split('\n');
      tagged = { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
      return visit.BREAK;
    },
  });
  if (tagged !== null)
    return { ok: false, problem: 'uses a YAML tag, which a policy cannot hold', ...(tagged as object) };
  try {
    return { ok: true, document: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch {
    return { ok: false, problem: 'expands its aliases too many times' };
  }
}

/** ` (line L, column C)` for an outcome that knows where, else ''. */
export function yamlPosition(outcome: { line?: number; column?: number }): string {
  return outcome.line === undefined ? '' : ` (line ${outcome.line}, column ${outcome.column ?? 1})`;
}
