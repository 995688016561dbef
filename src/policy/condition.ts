/**
 * Conditions on the record a rule applies to. The language is deliberately tiny and total:
 *
 *   { "<record attribute>": { "equals": <operand> }, ... }     every entry must hold (all-of)
 *
 * An operand is a literal (string, finite number, boolean) or a reference to the actor: `$actor.id` (the
 * authenticated user's id, e.g. for `created_by`), `$actor.subject` or `$actor.attributes.<name>`. Any other string starting with `$` is reserved and invalid, as is any operator
 * other than `equals`, an empty condition, or an attribute name outside `[A-Za-z_][A-Za-z0-9_]{0,63}`. All of
 * this is checked at load time, so evaluation cannot meet an unknown construct.
 *
 * Invariants (evaluation): never throws; compares with strict equality and no type coercion (`1` ≠ `"1"`);
 * reads only own properties (a record's `__proto__` or `constructor` is never consulted); a missing record, a
 * missing or non-scalar record attribute, or an actor reference that is missing or the empty string makes the
 * entry FAIL, so `undefined === undefined` or `"" === ""` can never grant access to records without an owner.
 * Not addressed: whether the record attributes are true — the caller must read them from storage, never from
 * the request.
 */
import { describeKey, invalidPolicy, keyPath } from './policy-error.js';
import type { PolicyActor, Scalar } from './policy-types.js';
import { allOf, attributeEquals, NEVER, type RowCondition } from './row-condition.js';

type Operand =
  | { kind: 'literal'; value: Scalar }
  | { kind: 'id' }
  | { kind: 'subject' }
  | { kind: 'attribute'; name: string };

export type Condition = readonly { readonly attribute: string; readonly equals: Operand }[];

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const ATTRIBUTE_REFERENCE = '$actor.attributes.';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function compileOperand(raw: unknown, path: string): Operand {
  if (typeof raw === 'string' && raw.startsWith('$')) {
    if (raw === '$actor.id') return { kind: 'id' };
    if (raw === '$actor.subject') return { kind: 'subject' };
    const name = raw.startsWith(ATTRIBUTE_REFERENCE) ? raw.slice(ATTRIBUTE_REFERENCE.length) : '';
    if (NAME.test(name)) return { kind: 'attribute', name };
    throw invalidPolicy(path, 'must reference $actor.id, $actor.subject or $actor.attributes.<name>');
  }
  if (!isScalar(raw))
    throw invalidPolicy(path, 'must be a string, a finite number, a boolean or an actor reference');
  return { kind: 'literal', value: raw };
}

/** Compiles a condition from a policy document; throws VALIDATION_FAILED naming the offending path. */
export function compileCondition(raw: unknown, path: string): Condition {
  if (!isPlainObject(raw)) throw invalidPolicy(path, 'must be an object');
  const entries = Object.keys(raw);
  if (entries.length === 0) throw invalidPolicy(path, 'must name at least one record attribute');
  return entries.map((attribute, index) => {
    if (!NAME.test(attribute))
      throw invalidPolicy(path, `has an invalid attribute name ${describeKey(attribute, index)}`);
    // A valid attribute name can still be a secret (`srk_…` fits the pattern): named only when safe.
    const entryPath = keyPath(path, attribute, index);
    const test = raw[attribute];
    if (!isPlainObject(test)) throw invalidPolicy(entryPath, 'must be an object such as { "equals": ... }');
    const operators = Object.keys(test);
    const unknown = operators.findIndex((operator) => operator !== 'equals');
    if (unknown !== -1)
      throw invalidPolicy(
        entryPath,
        `has an unknown operator ${describeKey(operators[unknown] ?? '', unknown)}`,
      );
    if (operators.length !== 1) throw invalidPolicy(entryPath, 'must have exactly one operator');
    return { attribute, equals: compileOperand(test.equals, `${entryPath}.equals`) };
  });
}

function ownScalar(bag: Readonly<Record<string, unknown>> | undefined, key: string): Scalar | undefined {
  if (!isPlainObject(bag) || !Object.hasOwn(bag, key)) return undefined;
  const value = bag[key];
  return isScalar(value) ? value : undefined;
}

function resolveOperand(operand: Operand, actor: PolicyActor): Scalar | undefined {
  if (operand.kind === 'literal') return operand.value;
  const value =
    operand.kind === 'id'
      ? actor.id
      : operand.kind === 'subject'
        ? actor.subject
        : ownScalar(actor.attributes, operand.name);
  return value === '' || !isScalar(value) ? undefined : value;
}

/** True when every entry of `condition` holds for this actor and record (see the invariants above). */
export function evaluateCondition(
  condition: Condition,
  actor: PolicyActor,
  record: Readonly<Record<string, unknown>> | undefined,
): boolean {
  return condition.every((entry) => {
    const expected = resolveOperand(entry.equals, actor);
    const actual = ownScalar(record, entry.attribute);
    return expected !== undefined && actual !== undefined && actual === expected;
  });
}

/**
 * The condition as a test of the record alone, for this actor: actor references resolved, an unresolvable one
 * (missing, empty) is `never`, exactly as evaluateCondition fails the entry.
 */
export function rowConditionOf(condition: Condition, actor: PolicyActor): RowCondition {
  return allOf(
    condition.map((entry) => {
      const expected = resolveOperand(entry.equals, actor);
      return expected === undefined ? NEVER : attributeEquals(entry.attribute, expected);
    }),
  );
}
