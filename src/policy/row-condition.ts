/**
 * A condition on a record's attributes as plain data: what a policy decision depends on once the actor, action,
 * resource path and purpose are fixed. Storage turns it into a query's WHERE clause (so rows a caller may not see
 * are never fetched); `evaluateRowCondition` is its reference meaning, the same as condition.ts gives a rule's
 * condition: `equals` holds only when the record has that attribute as an own scalar strictly equal to `value`
 * (no coercion, `1` ≠ `"1"`); a missing attribute makes it fail, also under `not` (it is then true).
 * The constructors simplify (constants folded, duplicates dropped), so an unconditional policy gives `always`
 * or `never` and storage adds nothing to its query.
 */
import type { Scalar } from './policy-types.js';

export type RowCondition =
  | { readonly kind: 'always' }
  | { readonly kind: 'never' }
  | { readonly kind: 'equals'; readonly attribute: string; readonly value: Scalar }
  | { readonly kind: 'all'; readonly of: readonly RowCondition[] }
  | { readonly kind: 'any'; readonly of: readonly RowCondition[] }
  | { readonly kind: 'not'; readonly of: RowCondition };

export const ALWAYS: RowCondition = Object.freeze({ kind: 'always' });
export const NEVER: RowCondition = Object.freeze({ kind: 'never' });

/** `attribute` of the record is the scalar `value` (strictly). */
export function attributeEquals(attribute: string, value: Scalar): RowCondition {
  return Object.freeze({ kind: 'equals', attribute, value });
}

function combine(kind: 'all' | 'any', parts: readonly RowCondition[]): RowCondition {
  const neutral = kind === 'all' ? 'always' : 'never';
  const absorbing = kind === 'all' ? NEVER : ALWAYS;
  const kept = new Map<string, RowCondition>();
  for (const part of parts) {
    const flat = part.kind === kind ? part.of : [part];
    for (const item of flat) {
      if (item.kind === neutral) continue;
      if (item === absorbing || item.kind === absorbing.kind) return absorbing;
      kept.set(JSON.stringify(item), item);
    }
  }
  const of = [...kept.values()];
  if (of.length === 0) return kind === 'all' ? ALWAYS : NEVER;
  return of.length === 1 ? (of[0] as RowCondition) : Object.freeze({ kind, of: Object.freeze(of) });
}

/** Every part holds (`always` when there is none). */
export function allOf(parts: readonly RowCondition[]): RowCondition {
  return combine('all', parts);
}

/** Some part holds (`never` when there is none). */
export function anyOf(parts: readonly RowCondition[]): RowCondition {
  return combine('any', parts);
}

/** The negation of `part`. */
export function not(part: RowCondition): RowCondition {
  if (part.kind === 'always') return NEVER;
  if (part.kind === 'never') return ALWAYS;
  if (part.kind === 'not') return part.of;
  return Object.freeze({ kind: 'not', of: part });
}

function ownScalar(record: Readonly<Record<string, unknown>> | undefined, key: string): Scalar | undefined {
  if (typeof record !== 'object' || record === null || !Object.hasOwn(record, key)) return undefined;
  const value = record[key];
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** True when `condition` holds for `record` (the reference meaning storage must reproduce). */
export function evaluateRowCondition(
  condition: RowCondition,
  record: Readonly<Record<string, unknown>> | undefined,
): boolean {
  switch (condition.kind) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'equals': {
      const actual = ownScalar(record, condition.attribute);
      return actual !== undefined && actual === condition.value;
    }
    case 'all':
      return condition.of.every((part) => evaluateRowCondition(part, record));
    case 'any':
      return condition.of.some((part) => evaluateRowCondition(part, record));
    case 'not':
      return !evaluateRowCondition(condition.of, record);
  }
}
