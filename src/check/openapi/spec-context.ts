/**
 * What every OpenAPI rule works with: the document, local `$ref` resolution (through
 * @apidevtools/json-schema-ref-parser's `$Refs`, external references left alone) with a cycle guard, and a
 * `report` that files each finding once per rule and JSON pointer, so a component used by a hundred operations
 * is reported once, where it is defined.
 */
import type { $Refs } from '@apidevtools/json-schema-ref-parser';
import type { Severity } from '../finding.js';
import type { OpenApiRuleKey } from './openapi-rules.js';

export type Obj = Record<string, unknown>;

export const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const objectsOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** `a/b` → `a~1b` (RFC 6901). */
export const pointerToken = (token: string | number): string =>
  String(token).replaceAll('~', '~0').replaceAll('/', '~1');

export const childPointer = (pointer: string, ...tokens: (string | number)[]): string =>
  tokens.reduce<string>((p, t) => `${p}/${pointerToken(t)}`, pointer);

export interface Resolved {
  readonly node: Obj;
  /** Where the node is defined: the `$ref` target, or `pointer` itself. */
  readonly pointer: string;
}

export interface RawFinding {
  readonly rule: OpenApiRuleKey;
  readonly pointer: string;
  readonly message: string;
  readonly severity?: Severity;
}

export interface SpecContext {
  readonly root: Obj;
  readonly version: '3.0' | '3.1';
  /** Follows local `$ref`s (a chain of them too); null for a missing, external or cyclic reference. */
  readonly resolve: (node: unknown, pointer: string) => Resolved | null;
  readonly report: (finding: RawFinding) => void;
}

const MAX_REF_CHAIN = 32;

export function createSpecContext(
  root: Obj,
  refs: Pick<$Refs, 'get'>,
  onFinding: (finding: RawFinding) => void,
): SpecContext {
  const reported = new Set<string>();
  const version = String(root.openapi ?? '').startsWith('3.1') ? '3.1' : '3.0';
  const resolve = (node: unknown, pointer: string): Resolved | null => {
    let current = node;
    let at = pointer;
    const seen = new Set<string>();
    for (let hop = 0; hop < MAX_REF_CHAIN; hop++) {
      if (!isObject(current)) return null;
      const ref = current.$ref;
      if (typeof ref !== 'string') return { node: current, pointer: at };
      if (!ref.startsWith('#') || seen.has(ref)) return null;
      seen.add(ref);
      try {
        current = refs.get(ref);
        at = decodeURIComponent(ref.slice(1));
      } catch {
        return null;
      }
    }
    return null;
  };
  return {
    root,
    version,
    resolve,
    report: (finding) => {
      const key = `${finding.rule}\u0000${finding.pointer}`;
      if (reported.has(key)) return;
      reported.add(key);
      onFinding(finding);
    },
  };
}
