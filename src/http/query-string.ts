/**
 * The one query-string parser. `filter.<field>=v` (the form the README shows) and `filter[<field>]=v` (OpenAPI's
 * `deepObject`, which generated clients send) both become `filter: { <field>: v }`, so the route schema and the
 * published document describe one object. A repeated key becomes an array, which every scalar parameter's schema
 * refuses (no "last one wins" ambiguity between a proxy and the server).
 * Text whose percent-encoding is not UTF-8 becomes a lone surrogate, which text-guard.ts refuses naming the key.
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

/** Stands for text whose percent-encoding is not UTF-8: a lone surrogate, which text-guard.ts refuses by name. */
const UNDECODABLE = '\uD800';

/** Form decoding (`+` is a space), strict: invalid percent-encoding or UTF-8 is not silently replaced. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return UNDECODABLE;
  }
}

function* pairs(text: string): Generator<[string, string]> {
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    yield at < 0 ? [decode(pair), ''] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
  }
}

export function parseQueryString(text: string): Query {
  const query: Query = Object.create(null);
  for (const [key, value] of pairs(text)) {
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
