/**
 * Credentials and personal data in query strings and paths, which end up in access logs, caches and history.
 * A path parameter named for the resource it selects (`/sessions/{session}`, `/api-keys/{key}`, `/cards/{card}`),
 * or whose schema is `format: uuid`, is an id, not a credential, and is let through; query parameters never are
 * (the list is the one Strongroom's own URL guard refuses).
 */
import type { Operation } from './operations.js';
import { isCredentialParamName, personalDataKind } from './sensitive-names.js';
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

export function checkParameters(context: SpecContext, operations: readonly Operation[]): void {
  for (const op of operations) {
    for (const { node, pointer } of op.parameters) {
      const where = node.in;
      if ((where !== 'query' && where !== 'path') || typeof node.name !== 'string') continue;
      const label = `${where} parameter "${node.name}" of ${op.method.toUpperCase()} ${op.path}`;
      if (isResourceId(context, node, pointer)) continue;
      if (isCredentialParamName(node.name)) {
        context.report({ rule: 'credentialInUrl', pointer, message: `${label} carries a credential` });
      } else if (personalDataKind(node.name) !== null) {
        context.report({ rule: 'piiInUrl', pointer, message: `${label} carries personal data` });
      }
    }
  }
}
