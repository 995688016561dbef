/**
 * Rules on how operations are protected: security schemes that leak credentials (API keys in the query string,
 * in cookies without a CSRF header), operations without security, requirements naming undefined schemes, Basic
 * authentication over plain HTTP, plain-HTTP servers, and missing 401/403/429 responses.
 */
import type { Operation } from './operations.js';
import { serversOf } from './operations.js';
import { childPointer, isObject, type Obj, type SpecContext } from './spec-context.js';

const LOOPBACK = /^http:\/\/(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?(?:\/|$)/i;

/** Plain-HTTP server URLs other than loopback (development servers on localhost are not exposed). */
export const isPlainHttp = (url: string): boolean => /^http:\/\//i.test(url) && !LOOPBACK.test(url);

function securitySchemes(root: Obj): Obj {
  return isObject(root.components) && isObject(root.components.securitySchemes)
    ? root.components.securitySchemes
    : {};
}

function checkServers(context: SpecContext): void {
  const { root } = context;
  const holders: [Obj, string][] = [[root, '']];
  const paths = isObject(root.paths) ? root.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    holders.push([item, childPointer('/paths', path)]);
    for (const [method, op] of Object.entries(item))
      if (isObject(op)) holders.push([op, childPointer('/paths', path, method)]);
  }
  for (const [holder, pointer] of holders) {
    if (!Array.isArray(holder.servers)) continue;
    holder.servers.forEach((server, index) => {
      if (!isObject(server)) return;
      const urls = serversOf({ servers: [server] }) ?? [];
      if (urls.some(isPlainHttp)) {
        context.report({
          rule: 'httpServer',
          pointer: childPointer(pointer, 'servers', index),
          message: 'server URL uses plain http://',
        });
      }
    });
  }
}

/** True when a requirement that uses the cookie scheme `name` also requires an apiKey sent in a header. */
function cookieHasCsrfHeader(requirements: readonly Obj[], name: string, schemes: Obj): boolean {
  const using = requirements.filter((requirement) => name in requirement);
  return (
    using.length > 0 &&
    using.every((requirement) =>
      Object.keys(requirement).some((other) => {
        const scheme = schemes[other];
        return isObject(scheme) && scheme.type === 'apiKey' && scheme.in === 'header';
      }),
    )
  );
}

function checkSchemes(context: SpecContext, operations: readonly Operation[]): void {
  const schemes = securitySchemes(context.root);
  const requirements = operations.flatMap((op) => (op.security ?? []).filter(isObject));
  for (const [name, raw] of Object.entries(schemes)) {
    const pointer = childPointer('/components/securitySchemes', name);
    const resolved = context.resolve(raw, pointer);
    if (resolved === null || resolved.node.type !== 'apiKey') continue;
    if (resolved.node.in === 'query') {
      context.report({
        rule: 'apiKeyInQuery',
        pointer: resolved.pointer,
        message: `scheme "${name}" sends the key in the query string`,
      });
    } else if (resolved.node.in === 'cookie' && !cookieHasCsrfHeader(requirements, name, schemes)) {
      context.report({
        rule: 'apiKeyInCookie',
        pointer: resolved.pointer,
        message: `scheme "${name}" sends the key in a cookie with no CSRF header`,
      });
    }
  }
}

const hasResponse = (op: Operation, code: string): boolean => {
  const responses = isObject(op.node.responses) ? op.node.responses : {};
  return code in responses || `${code[0]}XX` in responses || `${code[0]}xx` in responses;
};

function checkOperation(context: SpecContext, op: Operation, schemes: Obj): void {
  const label = `${op.method.toUpperCase()} ${op.path}`;
  const requirements = op.security;
  if (requirements === undefined) {
    context.report({ rule: 'noSecurity', pointer: op.pointer, message: `${label} declares no security` });
  } else if (
    requirements.length === 0 ||
    requirements.some((r) => isObject(r) && Object.keys(r).length === 0)
  ) {
    context.report({
      rule: 'securityOptOut',
      pointer: op.pointer,
      message: `${label} allows anonymous calls`,
    });
  }
  const named = (requirements ?? []).filter(isObject).flatMap((r) => Object.keys(r));
  for (const name of new Set(named)) {
    const scheme = context.resolve(schemes[name], childPointer('/components/securitySchemes', name));
    if (scheme === null) {
      context.report({
        rule: 'undefinedScheme',
        pointer: op.pointer,
        message: `${label} requires undefined scheme "${name}"`,
      });
    } else if (
      scheme.node.type === 'http' &&
      String(scheme.node.scheme).toLowerCase() === 'basic' &&
      op.servers.some(isPlainHttp)
    ) {
      context.report({
        rule: 'basicOverHttp',
        pointer: op.pointer,
        message: `${label} takes Basic credentials over http://`,
      });
    }
  }
  const secured = named.length > 0;
  if (secured && !hasResponse(op, '401')) {
    context.report({
      rule: 'missing401',
      pointer: childPointer(op.pointer, 'responses'),
      message: `${label} has no 401 response`,
    });
  }
  if (secured && !hasResponse(op, '403')) {
    context.report({
      rule: 'missing403',
      pointer: childPointer(op.pointer, 'responses'),
      message: `${label} has no 403 response`,
    });
  }
  if (!hasResponse(op, '429')) {
    context.report({
      rule: 'missing429',
      pointer: childPointer(op.pointer, 'responses'),
      message: `${label} has no 429 response`,
    });
  }
}

export function checkSecurity(context: SpecContext, operations: readonly Operation[]): void {
  checkServers(context);
  checkSchemes(context, operations);
  const schemes = securitySchemes(context.root);
  for (const op of operations) checkOperation(context, op, schemes);
}
