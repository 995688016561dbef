/**
 * Which records a caller may see, as a WHERE clause: the policy's row conditions (translated by the records
 * service) over what storage holds of a record — its `created_by` and `subject_hash` columns and the
 * non-sensitive values in `plain_fields`. Applied in the list and search queries, so rows hidden from the caller
 * are never fetched.
 * Invariants: every test is two-valued (never SQL NULL), so `not` of a test on a missing value is true, as in
 * the reference evaluation (policy/row-condition.ts); a `plain` test holds only when the stored JSON value has
 * the operand's type and is equal to it (a string never equals a number, `true` never equals 1), on SQLite
 * (json_type + json_extract) and PostgreSQL (jsonb equality, which is typed) alike; operands are bound
 * parameters, never SQL text; all/any trees are balanced, so a large condition stays within SQLite's
 * expression depth.
 */
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  PostgresAdapter,
  type SqlBool,
  sql,
} from 'kysely';
import type { Database } from './schema.js';

type Scalar = string | number | boolean;

export type RecordCondition =
  | { readonly kind: 'always' }
  | { readonly kind: 'never' }
  /** The column holds `equals` (a string), or is NULL (`equals: null`). */
  | {
      readonly kind: 'column';
      readonly column: 'created_by' | 'subject_hash';
      readonly equals: string | null;
    }
  /** The non-sensitive value `field` of plain_fields is the scalar `equals` (same JSON type, equal). */
  | { readonly kind: 'plain'; readonly field: string; readonly equals: Scalar }
  | { readonly kind: 'all' | 'any'; readonly of: readonly RecordCondition[] }
  | { readonly kind: 'not'; readonly of: RecordCondition };

type Builder = ExpressionBuilder<Database, 'records'>;
const FAN_OUT = 8;

// U+0000 or a lone surrogate: PostgreSQL refuses it as jsonb and as text (the query would fail), SQLite would bind
// it as U+FFFD, and no stored value holds one (record values and creators refuse them), so such an operand equals
// nothing, as in the reference evaluation.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const storable = (value: Scalar) =>
  typeof value !== 'string' || (!value.includes('\u0000') && !LONE_SURROGATE.test(value));

function plainTest(field: string, value: Scalar, postgres: boolean): Expression<SqlBool> {
  if (!storable(value)) return sql<SqlBool>`1 = 0`;
  if (postgres) {
    return sql<SqlBool>`coalesce((plain_fields::jsonb -> ${field}) = ${JSON.stringify(value)}::jsonb, false)`;
  }
  const path = `$."${field}"`;
  const type = sql`coalesce(json_type(plain_fields, ${path}), '')`;
  if (typeof value === 'boolean') return sql<SqlBool>`(${type} = ${value ? 'true' : 'false'})`;
  if (typeof value === 'number') {
    // As reals: SQLite reads a JSON integer such as 1152921504606847000 (how JavaScript writes 2 ** 60) exactly,
    // while the same number in JavaScript (and bound here) is the nearest double; compared as doubles, they are equal.
    return sql<SqlBool>`(${type} in ('integer', 'real') and cast(json_extract(plain_fields, ${path}) as real) = ${value})`;
  }
  return sql<SqlBool>`(${type} = 'text' and json_extract(plain_fields, ${path}) = ${value})`;
}

function balanced(
  eb: Builder,
  kind: 'and' | 'or',
  parts: readonly Expression<SqlBool>[],
): Expression<SqlBool> {
  if (parts.length <= FAN_OUT) return eb[kind]([...parts]);
  const size = Math.ceil(parts.length / FAN_OUT);
  const groups: Expression<SqlBool>[] = [];
  for (let i = 0; i < parts.length; i += size) groups.push(balanced(eb, kind, parts.slice(i, i + size)));
  return eb[kind](groups);
}

function toExpression(eb: Builder, condition: RecordCondition, postgres: boolean): Expression<SqlBool> {
  switch (condition.kind) {
    case 'always':
      return sql<SqlBool>`1 = 1`;
    case 'never':
      return sql<SqlBool>`1 = 0`;
    case 'column':
      if (condition.equals !== null && !storable(condition.equals)) return sql<SqlBool>`1 = 0`;
      return condition.equals === null
        ? eb(condition.column, 'is', null)
        : eb.and([eb(condition.column, 'is not', null), eb(condition.column, '=', condition.equals)]);
    case 'plain':
      return plainTest(condition.field, condition.equals, postgres);
    case 'all':
    case 'any':
      return balanced(
        eb,
        condition.kind === 'all' ? 'and' : 'or',
        condition.of.map((part) => toExpression(eb, part, postgres)),
      );
    case 'not':
      return eb.not(toExpression(eb, condition.of, postgres));
  }
}

/** The WHERE expression of `condition` for queries on `records` in `db`'s dialect. */
export function recordConditionSql(db: Kysely<Database>, condition: RecordCondition) {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return (eb: Builder) => toExpression(eb, condition, postgres);
}
