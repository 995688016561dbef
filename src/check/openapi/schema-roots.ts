/**
 * Every place a schema starts in a document: the parameters, request bodies, responses and response headers of
 * each operation, and every entry of `components` that holds or is a schema. A rule that must not depend on where
 * a schema is written (inline in an operation, behind a `$ref`, in `components/responses`) walks all of these.
 * Webhooks and callbacks describe calls the API makes, not ones it serves, and are left out.
 */
import type { Operation } from './operations.js';
import { contentSchemas } from './schema-walk.js';
import { childPointer, isObject, type Obj, type SpecContext } from './spec-context.js';

export interface SchemaRoot {
  readonly node: unknown;
  readonly pointer: string;
}

/** The schema of a parameter or header: its `schema`, or those of its `content`. */
function heldSchemas(holder: Obj, pointer: string): SchemaRoot[] {
  const own = holder.schema === undefined ? [] : [{ node: holder.schema, pointer: `${pointer}/schema` }];
  return [...own, ...contentSchemas(holder, pointer)];
}

function entriesOf(context: SpecContext, map: unknown, pointer: string): { node: Obj; pointer: string }[] {
  if (!isObject(map)) return [];
  return Object.entries(map).flatMap(([name, raw]) => {
    const resolved = context.resolve(raw, childPointer(pointer, name));
    return resolved === null ? [] : [resolved];
  });
}

function responseSchemas(context: SpecContext, response: Obj, pointer: string): SchemaRoot[] {
  const headers = entriesOf(context, response.headers, `${pointer}/headers`);
  return [
    ...contentSchemas(response, pointer),
    ...headers.flatMap((header) => heldSchemas(header.node, header.pointer)),
  ];
}

function operationSchemas(context: SpecContext, operation: Operation): SchemaRoot[] {
  const roots = operation.parameters.flatMap(({ node, pointer }) => heldSchemas(node, pointer));
  const body = context.resolve(operation.node.requestBody, childPointer(operation.pointer, 'requestBody'));
  if (body !== null) roots.push(...contentSchemas(body.node, body.pointer));
  const responses = entriesOf(context, operation.node.responses, `${operation.pointer}/responses`);
  for (const response of responses) roots.push(...responseSchemas(context, response.node, response.pointer));
  return roots;
}

function componentSchemas(context: SpecContext): SchemaRoot[] {
  const components = isObject(context.root.components) ? context.root.components : {};
  const at = (kind: string) => entriesOf(context, components[kind], `/components/${kind}`);
  const schemas = isObject(components.schemas) ? components.schemas : {};
  return [
    ...Object.entries(schemas).map(([name, node]) => ({
      node,
      pointer: childPointer('/components/schemas', name),
    })),
    ...at('parameters').flatMap((parameter) => heldSchemas(parameter.node, parameter.pointer)),
    ...at('headers').flatMap((header) => heldSchemas(header.node, header.pointer)),
    ...at('requestBodies').flatMap((body) => contentSchemas(body.node, body.pointer)),
    ...at('responses').flatMap((response) => responseSchemas(context, response.node, response.pointer)),
  ];
}

/** Every schema root of the document, operations first; a root reached twice is listed twice (walks dedupe). */
export function schemaRootsOf(context: SpecContext, operations: readonly Operation[]): SchemaRoot[] {
  return [
    ...operations.flatMap((operation) => operationSchemas(context, operation)),
    ...componentSchemas(context),
  ];
}
