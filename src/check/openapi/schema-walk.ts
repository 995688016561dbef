/**
 * Visits every schema reachable from a starting schema: properties, items, prefixItems, additionalProperties,
 * allOf/anyOf/oneOf/not, following local `$ref`s. Each schema is visited once per walk (keyed by where it is
 * defined), which is the cycle guard: a recursive `Node { children: Node[] }` ends at its second visit.
 */
import { childPointer, isObject, type Obj, objectsOf, type SpecContext } from './spec-context.js';

export interface SchemaVisit {
  readonly schema: Obj;
  readonly pointer: string;
  /** The property name this schema is the value of, if it is one. */
  readonly property?: string;
}

const MAX_SCHEMAS_PER_WALK = 100_000;

export function hasType(schema: Obj, type: string): boolean {
  const declared = schema.type;
  return declared === type || (Array.isArray(declared) && declared.includes(type));
}

/**
 * True when a schema admits only values written in the document: `enum`, `const`, a `oneOf`/`anyOf` whose every
 * branch is such a schema (the 3.1 spelling of a documented enum), or an `allOf` with one such branch. Such a
 * value is a fixed choice the API defines, so it cannot carry a caller's secret or a person's data, whatever the
 * property or parameter is called.
 */
export function hasFixedValues(context: SpecContext, schema: Obj, pointer = '', depth = 0): boolean {
  if (Array.isArray(schema.enum) || 'const' in schema) return true;
  if (depth > 8) return false;
  const fixed = (branch: unknown, at: string) => {
    const resolved = context.resolve(branch, at);
    return resolved !== null && hasFixedValues(context, resolved.node, resolved.pointer, depth + 1);
  };
  const branchesOf = (key: 'oneOf' | 'anyOf' | 'allOf') =>
    objectsOf(schema[key]).map((branch, index) => [branch, childPointer(pointer, key, index)] as const);
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = branchesOf(key);
    if (branches.length > 0 && branches.every(([branch, at]) => fixed(branch, at))) return true;
  }
  return branchesOf('allOf').some(([branch, at]) => fixed(branch, at));
}

/** Calls `visit` for `start` and every schema under it, once each. */
export function walkSchemas(
  context: SpecContext,
  start: unknown,
  pointer: string,
  visit: (visit: SchemaVisit) => void,
  seen: Set<string> = new Set(),
): void {
  const stack: { node: unknown; pointer: string; property?: string }[] = [{ node: start, pointer }];
  while (stack.length > 0 && seen.size < MAX_SCHEMAS_PER_WALK) {
    const next = stack.pop();
    if (next === undefined) break;
    const resolved = context.resolve(next.node, next.pointer);
    if (resolved === null || seen.has(resolved.pointer)) continue;
    seen.add(resolved.pointer);
    const { node: schema, pointer: at } = resolved;
    visit({ schema, pointer: at, ...(next.property === undefined ? {} : { property: next.property }) });
    if (isObject(schema.properties)) {
      for (const [name, child] of Object.entries(schema.properties)) {
        stack.push({ node: child, pointer: childPointer(at, 'properties', name), property: name });
      }
    }
    for (const key of ['items', 'additionalProperties', 'not', 'contains'] as const) {
      if (isObject(schema[key])) stack.push({ node: schema[key], pointer: childPointer(at, key) });
    }
    for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const) {
      objectsOf(schema[key]).forEach((child, index) => {
        stack.push({ node: child, pointer: childPointer(at, key, index) });
      });
    }
  }
}

/** The schemas of every media type of a request body or response (`content.*.schema`). */
export function contentSchemas(holder: Obj, pointer: string): { node: unknown; pointer: string }[] {
  if (!isObject(holder.content)) return [];
  return Object.entries(holder.content).flatMap(([type, media]) =>
    isObject(media) && media.schema !== undefined
      ? [{ node: media.schema, pointer: childPointer(pointer, 'content', type, 'schema') }]
      : [],
  );
}
