/**
 * Services name fields logically (`roles.1`, `source.field`, `cursor`, `purpose`): they do not know whether a
 * value arrived in the body, the query string, the path or a header. The HTTP layer, which does, turns the name
 * into the request path clients see (`body.roles.1`, `query.cursor`, `headers.x-access-purpose`). A name that
 * already starts with a location (the HTTP layer's own validation errors) is left as it is.
 * Invariant: only the name moves, never a value; a message that names its field starts with that name and gets
 * the located path in its place.
 */
import type { FastifyRequest } from 'fastify';

// A property name that comes from the client (a record field, an attribute) could itself be a secret: it is named
// in an error only when it looks like an ordinary identifier. One rule for the server and the policy compiler.
export { isSafeName } from '@strongroom/redact';

/** The header a caller states the purpose of an access in. */
export const PURPOSE_HEADER = 'x-access-purpose';

// `url`, `path:<i>` and `query:<name>` are the URL guard's own (@strongroom/redact's url-guard.ts).
const LOCATIONS: ReadonlySet<string> = new Set(['body', 'query', 'path', 'headers', 'url']);
const IN_HEADERS: ReadonlyMap<string, string> = new Map([
  ['purpose', `headers.${PURPOSE_HEADER}`],
  ['if-match', 'headers.if-match'],
]);

function holds(container: unknown, key: string): boolean {
  return typeof container === 'object' && container !== null && Object.hasOwn(container, key);
}

/** The request path of a logical field name. */
export function locateField(
  request: Pick<FastifyRequest, 'body' | 'query' | 'params'>,
  field: string,
): string {
  // Segments are joined by `.` (and by `/` or `[i]` in collection and policy documents, `:` in URL locations).
  const top = field.split(/[./[:]/, 1)[0] ?? field;
  if (LOCATIONS.has(top)) return field;
  const header = IN_HEADERS.get(top);
  if (header !== undefined) return field === top ? header : `${header}${field.slice(top.length)}`;
  if (holds(request.body, top)) return `body.${field}`;
  if (holds(request.query, top)) return `query.${field}`;
  if (holds(request.params, top)) return `path.${field}`;
  // Absent everywhere (a required value that was not sent): it belongs where the request carries its input.
  return typeof request.body === 'object' && request.body !== null ? `body.${field}` : `query.${field}`;
}

/** `message` with a leading logical `field` replaced by its located path. */
export function locateMessage(message: string, field: string, located: string): string {
  return field !== located && message.startsWith(`${field} `)
    ? `${located}${message.slice(field.length)}`
    : message;
}
