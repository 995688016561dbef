/**
 * Rules on the schemas an API takes and returns: secrets not `writeOnly`, secrets and personal data in responses
 * without a declared masking, and request bodies with unbounded strings and arrays (OWASP API4, unrestricted
 * resource consumption).
 *
 * A property is declared masked by `writeOnly: true` (it never appears in a response), a `format` that names a
 * masking (`masked`, `redacted`) or an `x-masked` / `x-redacted` extension that is true; a secret a response
 * hands to its caller on purpose (login tokens, a one-time password) is declared by `x-issued-secret: true`. A
 * schema only responses use is not held to writeOnly (secretInResponse covers it). A property whose values
 * are fixed by the document (`enum`, `const`: `hasFixedValues`) holds no secret and no personal data, whatever its
 * name. The writeOnly rule walks every schema the document uses (`schemaRootsOf`), so its findings do not depend
 * on whether a schema is written inline, in `components/responses` or behind a `$ref`; each is reported once,
 * where the property is defined.
 */

import type { Operation } from './operations.js';
import { schemaRootsOf } from './schema-roots.js';
import { contentSchemas, hasFixedValues, hasType, type SchemaVisit, walkSchemas } from './schema-walk.js';
import { isSecretPropertyName, personalDataKind } from './sensitive-names.js';
import { childPointer, isObject, type Obj, type SpecContext } from './spec-context.js';

// `format: password` is a UI hint to hide what is typed, not a promise that a response hides it.
const MASKING_FORMATS = new Set(['masked', 'redacted', 'mask']);
/** Formats whose values have a bounded length by definition. */
const BOUNDED_FORMATS = new Set(['date', 'date-time', 'time', 'uuid', 'ipv4', 'ipv6', 'duration']);

const isScalarOrUntyped = (schema: Obj): boolean =>
  schema.type === undefined ||
  hasType(schema, 'string') ||
  hasType(schema, 'integer') ||
  hasType(schema, 'number');

function isDeclaredMasked(schema: Obj): boolean {
  return (
    schema.writeOnly === true ||
    (typeof schema.format === 'string' && MASKING_FORMATS.has(schema.format.toLowerCase())) ||
    schema['x-masked'] === true ||
    schema['x-redacted'] === true
  );
}

function checkWriteOnly(context: SpecContext, { schema, pointer, property }: SchemaVisit): void {
  if (property === undefined || schema.writeOnly === true || !isScalarOrUntyped(schema)) return;
  if (!isSecretPropertyName(property) || hasFixedValues(context, schema, pointer)) return;
  context.report({
    rule: 'secretNotWriteOnly',
    pointer,
    message: `property "${property}" holds a secret but is not writeOnly`,
  });
}

function checkRequestSchema(context: SpecContext, visit: SchemaVisit): void {
  const { schema, pointer } = visit;
  if (hasType(schema, 'string') && schema.enum === undefined && schema.const === undefined) {
    const bounded =
      typeof schema.maxLength === 'number' ||
      (typeof schema.format === 'string' && BOUNDED_FORMATS.has(schema.format));
    if (!bounded) context.report({ rule: 'unboundedString', pointer, message: 'string without maxLength' });
  }
  if (hasType(schema, 'array') && typeof schema.maxItems !== 'number') {
    context.report({ rule: 'unboundedArray', pointer, message: 'array without maxItems' });
  }
}

function checkResponseSchema(context: SpecContext, { schema, pointer, property }: SchemaVisit): void {
  if (property === undefined || schema.writeOnly === true || isDeclaredMasked(schema)) return;
  if (!isScalarOrUntyped(schema) || hasFixedValues(context, schema, pointer)) return;
  if (isSecretPropertyName(property)) {
    // Declared: a credential the server issues to its caller (login tokens, a one-time password shown once).
    if (schema['x-issued-secret'] === true) return;
    context.report({
      rule: 'secretInResponse',
      pointer,
      message: `response property "${property}" looks like a secret`,
    });
    return;
  }
  const kind = personalDataKind(property);
  if (kind !== null) {
    context.report({
      rule: 'piiInResponse',
      pointer,
      message: `response property "${property}" is personal data (${kind}) with no declared masking`,
      ...(kind === 'contact' ? { severity: 'low' as const } : {}),
    });
  }
}

/** Request bodies and responses of every operation; writeOnly on every schema the document uses. */
export function checkSchemas(context: SpecContext, operations: readonly Operation[]): void {
  const requestSeen = new Set<string>();
  const responseSeen = new Set<string>();
  for (const operation of operations) {
    const body = context.resolve(operation.node.requestBody, childPointer(operation.pointer, 'requestBody'));
    if (body !== null) {
      for (const { node, pointer } of contentSchemas(body.node, body.pointer)) {
        walkSchemas(context, node, pointer, (visit) => checkRequestSchema(context, visit), requestSeen);
      }
    }
    const responses = isObject(operation.node.responses) ? operation.node.responses : {};
    for (const [status, raw] of Object.entries(responses)) {
      const response = context.resolve(raw, childPointer(operation.pointer, 'responses', status));
      if (response === null) continue;
      for (const { node, pointer } of contentSchemas(response.node, response.pointer)) {
        walkSchemas(context, node, pointer, (visit) => checkResponseSchema(context, visit), responseSeen);
      }
    }
  }
  // One walk, one seen set: a property reached from many roots is visited (and reported) once, where defined.
  // A schema only responses use cannot be writeOnly (it would then never be sent): secretInResponse covers it.
  const responseOnly = (pointer: string) => responseSeen.has(pointer) && !requestSeen.has(pointer);
  const writeOnlySeen = new Set<string>();
  for (const { node, pointer } of schemaRootsOf(context, operations)) {
    walkSchemas(
      context,
      node,
      pointer,
      (visit) => {
        if (!responseOnly(visit.pointer)) checkWriteOnly(context, visit);
      },
      writeOnlySeen,
    );
  }
}
