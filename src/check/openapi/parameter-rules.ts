/**
 * Credentials and personal data in query strings and paths, which end up in access logs, caches and history.
 * A path parameter named for the resource it selects (`/sessions/{session}`, `/api-keys/{key}`, `/cards/{card}`),
 * or whose schema is `format: uuid`, is an id, not a credential, and is let through; query parameters never are
 * (the list is the one Strongroom's own URL guard refuses). A parameter whose schema fixes its values (`enum`,
 * `const`, or an array of those: `?fields=email,phone`) is a choice among words the API defines, not a credential
 * or a person's data, and is let through too. An identity number (`ssn`, `card_number`) is refused by the URL guard
 * like a credential and keeps that rule id, but its message says what it is: personal data.
 */
import type { Operation } from './operations.js';
import { hasFixedValues, hasType } from './schema-walk.js';
import { isCredentialParamName, isSecretPropertyName, personalDataKind } from './sensitive-names.js';
import { isObject, type Obj, type SpecContext } from './spec-context.js';

const RESOURCE_NAMES = new Set([
  'session',
  'key',
  'card',
  'share',
  'auth',
  'authorization',
  'credential',
  'signature',
]);

function isResourceId(context: SpecContext, parameter: Obj, pointer: string): boolean {
  if (parameter.in !== 'path') return false;
  if (typeof parameter.name === 'string' && RESOURCE_NAMES.has(parameter.name.toLowerCase())) return true;
  const schema = context.resolve(parameter.schema, `${pointer}/schema`);
  return schema !== null && isObject(schema.node) && schema.node.format === 'uuid';
}

function hasFixedSchema(context: SpecContext, parameter: Obj, pointer: string): boolean {
  const schema = context.resolve(parameter.schema, `${pointer}/schema`);
  if (schema === null) return false;
  if (hasFixedValues(context, schema.node, schema.pointer)) return true;
  if (!hasType(schema.node, 'array')) return false;
  const items = context.resolve(schema.node.items, `${schema.pointer}/items`);
  return items !== null && hasFixedValues(context, items.node, items.pointer);
}

/** `ssn`, `card_number`: a name the URL guard refuses that is an identity number, not a password or token. */
const isIdentityNumber = (name: string): boolean =>
  personalDataKind(name) === 'identity' && !isSecretPropertyName(name);

export function checkParameters(context: SpecContext, operations: readonly Operation[]): void {
  for (const op of operations) {
    for (const { node, pointer } of op.parameters) {
      const where = node.in;
      if ((where !== 'query' && where !== 'path') || typeof node.name !== 'string') continue;
      const label = `${where} parameter "${node.name}" of ${op.method.toUpperCase()} ${op.path}`;
      if (isResourceId(context, node, pointer) || hasFixedSchema(context, node, pointer)) continue;
      if (isCredentialParamName(node.name)) {
        const carries = isIdentityNumber(node.name) ? 'personal data' : 'a credential';
        context.report({ rule: 'credentialInUrl', pointer, message: `${label} carries ${carries}` });
      } else if (personalDataKind(node.name) !== null) {
        context.report({ rule: 'piiInUrl', pointer, message: `${label} carries personal data` });
      }
    }
  }
}
