/**
 * The operations of a document with what applies to each: its parameters (path-level merged with its own, the
 * operation's winning by name and location), the servers it is served from and its effective security.
 */
import { childPointer, isObject, type Obj, objectsOf, type SpecContext } from './spec-context.js';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface Parameter {
  readonly node: Obj;
  readonly pointer: string;
}

export interface Operation {
  readonly path: string;
  readonly method: string;
  readonly pointer: string;
  readonly node: Obj;
  readonly parameters: readonly Parameter[];
  /** Server URLs with their variables expanded (every enum value, or the default). */
  readonly servers: readonly string[];
  /** The operation's own `security`, else the document's; undefined when neither declares one. */
  readonly security: readonly unknown[] | undefined;
}

/** Every URL a server entry can stand for: each variable's enum values (or its default) substituted. */
export function expandServer(server: Obj): string[] {
  let urls = [typeof server.url === 'string' ? server.url : ''];
  const variables = isObject(server.variables) ? server.variables : {};
  for (const [name, variable] of Object.entries(variables)) {
    if (!isObject(variable)) continue;
    const values = Array.isArray(variable.enum)
      ? variable.enum.map(String)
      : [String(variable.default ?? '')];
    urls = urls.flatMap((url) => values.map((value) => url.replaceAll(`{${name}}`, value)));
    if (urls.length > 64) break;
  }
  return urls;
}

export const serversOf = (holder: Obj): string[] | undefined =>
  Array.isArray(holder.servers) ? holder.servers.filter(isObject).flatMap(expandServer) : undefined;

function parametersOf(context: SpecContext, list: unknown, pointer: string): Parameter[] {
  return objectsOf(list).flatMap((item, index) => {
    const resolved = context.resolve(item, childPointer(pointer, index));
    return resolved === null ? [] : [resolved];
  });
}

/** Every operation under `paths` (webhooks are calls the API makes, not ones it serves). */
export function operationsOf(context: SpecContext): Operation[] {
  const { root } = context;
  const paths = isObject(root.paths) ? root.paths : {};
  const rootServers = serversOf(root) ?? [];
  const rootSecurity = Array.isArray(root.security) ? root.security : undefined;
  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = context.resolve(rawItem, childPointer('/paths', path));
    if (item === null) continue;
    const shared = parametersOf(context, item.node.parameters, childPointer(item.pointer, 'parameters'));
    const itemServers = serversOf(item.node) ?? rootServers;
    for (const method of METHODS) {
      const node = item.node[method];
      if (!isObject(node)) continue;
      const pointer = childPointer(item.pointer, method);
      const own = parametersOf(context, node.parameters, childPointer(pointer, 'parameters'));
      const key = (p: Parameter) => `${String(p.node.in)}:${String(p.node.name)}`;
      const ownKeys = new Set(own.map(key));
      operations.push({
        path,
        method,
        pointer,
        node,
        parameters: [...shared.filter((p) => !ownKeys.has(key(p))), ...own],
        servers: serversOf(node) ?? itemServers,
        security: Array.isArray(node.security) ? node.security : rootSecurity,
      });
    }
  }
  return operations;
}
