/**
 * The bounds the OpenAPI document publishes are the bounds the server enforces. For every operation, a request
 * that the document says is valid is built from the document itself (fast-check arbitraries from each schema),
 * then one bounded element at a time is pushed one step past its bound (`maxLength` + 1, `maximum` + 1,
 * `minimum` − 1, `maxItems` + 1): the server must answer 400 VALIDATION_FAILED naming exactly that element.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  oneOf?: Schema[];
  anyOf?: Schema[];
  minProperties?: number;
  additionalProperties?: Schema | boolean;
  propertyNames?: Schema;
}

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json': { schema: Schema } } };
}

const firstType = (schema: Schema) =>
  (Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type) ?? 'object';

/** An arbitrary of values the schema accepts (required properties only, first branch of a oneOf/anyOf). */
function valid(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (schema.anyOf !== undefined) return valid(schema.anyOf[0] as Schema);
  switch (firstType(schema)) {
    case 'string':
      return validString(schema);
    case 'integer':
      return fc.integer({
        min: schema.minimum ?? 0,
        max: Math.min(schema.maximum ?? 1000, (schema.minimum ?? 0) + 1000),
      });
    case 'number':
      return fc.integer({ min: 0, max: 1000 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valid(schema.items ?? { type: 'string', maxLength: 8 }), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 2, 2)),
      });
    default:
      return validObject(schema);
  }
}

function validString(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 64;
  if (schema.format === 'uuid') return fc.uuid({ version: 4 });
  if (schema.format === 'date-time') return fc.constant(new Date(1_700_000_000_000).toISOString());
  const base =
    schema.pattern === undefined
      ? fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: Math.min(max, 32) })
      : fc.stringMatching(new RegExp(schema.pattern, 'u'));
  return base.filter((s) => [...s].length >= Math.max(min, 1) && [...s].length <= max && !/^\s|\s$/.test(s));
}

/** `branchFor`: build the oneOf branch that requires this property (the one a bound under test lives in). */
function validObject(schema: Schema, branchFor?: string): fc.Arbitrary<Record<string, unknown>> {
  const branch =
    schema.oneOf?.find((b) => branchFor !== undefined && b.required?.includes(branchFor)) ??
    schema.oneOf?.[0];
  const required = new Set([...(schema.required ?? []), ...(branch?.required ?? [])]);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const name of required) {
    const property = schema.properties?.[name];
    if (property !== undefined) model[name] = valid(property);
  }
  if (required.size === 0 && (schema.minProperties ?? 0) > 0) {
    const names = Object.keys(schema.properties ?? {});
    const name = names.find((n) => n === branchFor) ?? names[0];
    // An object of client-named keys (record fields): one key that every field-name pattern accepts.
    if (name === undefined) return fc.constant({ x: 'x' });
    model[name] = valid(schema.properties?.[name] as Schema);
  }
  return fc.record(model);
}

interface Bound {
  /** The path of the element, as the error's `field` names it (`body.a.b`, `query.limit`). */
  field: string;
  path: string[];
  schema: Schema;
  over: (schema: Schema) => unknown;
}

const BOUNDS: Array<[keyof Schema, (schema: Schema) => unknown]> = [
  ['maxLength', (s) => 'a'.repeat((s.maxLength ?? 0) + 1)],
  ['maximum', (s) => (s.maximum ?? 0) + 1],
  ['minimum', (s) => (s.minimum ?? 0) - 1],
  [
    'maxItems',
    (s) => Array.from({ length: (s.maxItems ?? 0) + 1 }, () => fc.sample(valid(s.items ?? {}), 1)[0]),
  ],
];

/** Every bounded element under `schema`: the declared properties of objects, recursively. */
function boundsOf(schema: Schema, field: string, path: string[]): Bound[] {
  const found: Bound[] = [];
  if (schema.enum === undefined) {
    for (const [keyword, over] of BOUNDS) {
      const value = schema[keyword];
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) continue;
      if (keyword === 'minimum' && firstType(schema) !== 'integer') continue;
      if (keyword === 'maxLength' && schema.format === 'uuid') continue; // covered by its pattern and format
      found.push({ field, path, schema, over });
    }
  }
  if (firstType(schema) === 'object') {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      found.push(...boundsOf(property, `${field}.${name}`, [...path, name]));
    }
  }
  return found;
}

function withValue(base: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const object = { ...(base as Record<string, unknown>) };
  object[head] = withValue(object[head] ?? {}, rest, value);
  return object;
}

let t: TestApp;
let headers: Record<string, string>;
let operations: Array<[string, string, Operation]>;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await loggedInUser(t, ['admin']);
  headers = admin.headers;
  const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => method !== 'head')
      .map(([method, op]) => [method.toUpperCase(), path, op] as [string, string, Operation]),
  );
});
afterAll(async () => {
  await t.close();
});

function buildRequest(path: string, op: Operation, branchFor?: string) {
  let url = path;
  const query = new URLSearchParams();
  for (const parameter of op.parameters ?? []) {
    if (parameter.in === 'path') {
      url = url.replace(
        `{${parameter.name}}`,
        encodeURIComponent(String(fc.sample(valid(parameter.schema), 1)[0])),
      );
    }
  }
  const schema = op.requestBody?.content['application/json'].schema;
  const body = schema === undefined ? undefined : fc.sample(validObject(schema, branchFor), 1)[0];
  return { url, query, body };
}

describe('published bounds', () => {
  it('refuses every request element one step past its published bound, naming it', async () => {
    let checked = 0;
    for (const [method, path, op] of operations) {
      const bodySchema = op.requestBody?.content['application/json'].schema;
      const bounds = [
        ...(bodySchema === undefined ? [] : boundsOf(bodySchema, 'body', [])),
        ...(op.parameters ?? [])
          .filter((p) => p.in === 'query')
          .flatMap((p) =>
            boundsOf(p.schema, `query.${p.name}`, [p.name]).map((b) => ({ ...b, query: true })),
          ),
      ];
      for (const bound of bounds) {
        if (bound.path.length === 0) continue; // a bound on the whole body (maxProperties) is not a field
        const { url, query, body } = buildRequest(path, op, 'query' in bound ? undefined : bound.path[0]);
        const over = bound.over(bound.schema);
        let payload: unknown = body;
        if ('query' in bound) {
          const [name] = bound.path as [string];
          for (const item of Array.isArray(over) ? over : [over]) query.append(name, String(item));
          if (Array.isArray(over)) continue; // a repeated query key is refused as a non-scalar instead
        } else {
          payload = withValue(body, bound.path, over);
        }
        const search = query.toString();
        const response = await t.app.inject({
          method: method as 'GET',
          url: search === '' ? url : `${url}?${search}`,
          headers,
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
        const context = `${method} ${path} ${bound.field} ${JSON.stringify(Object.keys(bound.schema))}`;
        if (Buffer.byteLength(JSON.stringify(payload ?? null)) > t.config.bodyLimitBytes) {
          // A bound wider than the configured body limit: the body limit refuses it first.
          expect(response.statusCode, context).toBe(413);
          checked++;
          continue;
        }
        expect(response.statusCode, `${context}: ${response.body}`).toBe(400);
        const error = (response.json() as { error: { code: string; field?: string } }).error;
        expect(error.code, context).toBe('VALIDATION_FAILED');
        expect(error.field, context).toBe(bound.field);
        checked++;
      }
    }
    // The walk above must really reach the document's bounds (a walk that found nothing would pass vacuously).
    expect(checked).toBeGreaterThan(50);
  });
});
