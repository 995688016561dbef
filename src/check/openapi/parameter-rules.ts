/** Credentials and personal data in query strings and paths, which end up in access logs, caches and history. */
import type { Operation } from './operations.js';
import { isCredentialParamName, personalDataKind } from './sensitive-names.js';
import type { SpecContext } from './spec-context.js';

export function checkParameters(context: SpecContext, operations: readonly Operation[]): void {
  for (const op of operations) {
    for (const { node, pointer } of op.parameters) {
      const where = node.in;
      if ((where !== 'query' && where !== 'path') || typeof node.name !== 'string') continue;
      const label = `${where} parameter "${node.name}" of ${op.method.toUpperCase()} ${op.path}`;
      if (isCredentialParamName(node.name)) {
        context.report({ rule: 'credentialInUrl', pointer, message: `${label} carries a credential` });
      } else if (personalDataKind(node.name) !== null) {
        context.report({ rule: 'piiInUrl', pointer, message: `${label} carries personal data` });
      }
    }
  }
}
