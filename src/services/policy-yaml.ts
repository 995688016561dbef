/**
 * Policy documents written in YAML (a policy file, or `PUT /v1/policies` with `Content-Type: application/yaml`),
 * parsed into the plain JSON value a JSON document would be.
 * Invariants: one YAML 1.2 document only (a stream of several is refused, not cut to its first, and so is a
 * `%YAML 1.1` directive, under which booleans, numbers and `<<` merge keys read differently); duplicate keys refused; no tag of any kind (`!!binary`, `!custom`, `!!js/…`:
 * a policy is maps, lists, strings, numbers and booleans, and a tag could only make something else); aliases
 * expand at most MAX_ALIAS_COUNT times, the yaml library's guard against exponential expansion ("billion laughs");
 * an alias inside the node it names (`&a [*a]`, a circular value that no JSON document is) is refused; flow
 * collections (`[`, `{`) nest at most MAX_FLOW_DEPTH deep, checked with the library's lexer before the parser runs (the
 * parser spends about a second of CPU refusing 200 KB of `[[[…`, and a policy nests a handful of levels); the
 * caller bounds the text's size. Errors carry the line and column (of a tagged node: its value), never a
 * piece of the text.
 */
import { type Document, Lexer, parseAllDocuments, visit } from 'yaml';

/** Alias expansions allowed in one document (the yaml library's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;

/** Flow collections nested deeper than this are refused before parsing; a policy needs fewer than ten. */
export const MAX_FLOW_DEPTH = 32;

export type YamlOutcome =
  | { ok: true; document: unknown }
  | { ok: false; problem: string; line?: number; column?: number };

/** Parses `text` as one YAML policy document. */
export function parsePolicyYaml(text: string): YamlOutcome {
  const deep = deepFlowAt(text);
  if (deep !== null) {
    return { ok: false, problem: `nests flow collections deeper than ${MAX_FLOW_DEPTH} levels`, ...deep };
  }
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, logLevel: 'silent' });
  // An empty text is an empty stream: refused below as the null document it stands for.
  if (Array.isArray(docs) && docs.length > 1) return { ok: false, problem: 'holds more than one document' };
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (doc === undefined) return { ok: true, document: null };
  // YAML 1.1 reads `yes` as true, `0777` as 511 and `<<` as a merge: the same text would mean another policy.
  if (doc.directives.yaml.version !== '1.2')
    return { ok: false, problem: 'is not YAML 1.2 (%YAML directive)' };
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
  if (loops(doc)) return { ok: false, problem: 'has an alias inside the node it names' };
  try {
    return { ok: true, document: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch {
    return { ok: false, problem: 'expands its aliases too many times' };
  }
}

const LEXER_MARKERS = new Set(['\x02', '\x18', '\x1f']);

/** Where `[`/`{` first nest deeper than MAX_FLOW_DEPTH, from the yaml library's own lexer (exact), or null. */
function deepFlowAt(text: string): { line: number; column: number } | null {
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      depth++;
      if (depth > MAX_FLOW_DEPTH) {
        const before = text.slice(0, offset).split('\n');
        return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
      }
    } else if (token === ']' || token === '}') {
      depth--;
    }
    // The lexer's own markers (document start, flow end, scalar) stand for no text.
    if (!LEXER_MARKERS.has(token)) offset += token.length;
  }
  return null;
}

/** Whether an alias of `doc` stands inside the node it names (its value would contain itself). */
function loops(doc: Document.Parsed): boolean {
  let found = false;
  visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (target !== undefined && path.includes(target)) {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** ` (line L, column C)` for an outcome that knows where, else ''. */
export function yamlPosition(outcome: { line?: number; column?: number }): string {
  return outcome.line === undefined ? '' : ` (line ${outcome.line}, column ${outcome.column ?? 1})`;
}
