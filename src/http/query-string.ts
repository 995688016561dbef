/**
 * The one query-string parser. `filter.<field>=v` (the form the README shows) and `filter[<field>]=v` (OpenAPI's
 * `deepObject`, which generated clients send) both become `filter: { <field>: v }`, so the route schema and the
 * published document describe one object. A repeated key becomes an array, which every scalar parameter's schema
 * refuses (no "last one wins" ambiguity between a proxy and the server).
 * Invariant: the result and its nested objects have no prototype, so a key such as `__proto__` or `constructor` is
 * an ordinary (refused) property, never a prototype change.
 */
const NESTED_KEY = /^([a-z]+)(?:\.([^.[\]]+)|\[([^[\]]+)\])$/;

/** The parameters that hold an object of client-named keys. */
const OBJECT_PARAMETERS: ReadonlySet<string> = new Set(['filter']);

type Query = { [key: string]: string | Array<string | Query> | Query };

function isObject(value: Query[string] | undefined): value is Query {
  return typeof value === 'object' && !Array.isArray(value);
}

/** A second value for a key (or a scalar next to an object) makes an array: refused by every schema. */
function add(target: Query, key: string, value: string | Query): void {
  const existing = target[key];
  if (existing === undefined) target[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[key] = [existing, value];
}

export function parseQueryString(text: string): Query {
  const query: Query = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    const nested = NESTED_KEY.exec(key);
    const parent = nested?.[1];
    if (nested !== null && parent !== undefined && OBJECT_PARAMETERS.has(parent)) {
      const current = query[parent];
      if (isObject(current)) {
        add(current, nested[2] ?? nested[3] ?? '', value);
      } else {
        const object: Query = Object.create(null);
        add(object, nested[2] ?? nested[3] ?? '', value);
        add(query, parent, object);
      }
    } else {
      add(query, key, value);
    }
  }
  return query;
}
