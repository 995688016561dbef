/**
 * Canonical JSON: one byte string per JSON value, so a hash or signature over it is well defined.
 * Encoding: object keys sorted by UTF-16 code units, no whitespace, strings and numbers as ECMAScript
 * `JSON.stringify` writes them — which is RFC 8785 (JCS) for the values accepted here.
 * Invariants: distinct accepted values never share an encoding (the encoding parses back to the value);
 * anything JSON cannot represent exactly is rejected rather than coerced: undefined, functions, symbols,
 * bigints, NaN, ±Infinity, -0, lone surrogates, sparse arrays, non-plain objects, symbol keys, cycles.
 * Threats addressed: two different audit events hashing alike because an encoder dropped or coerced a value.
 */

const MAX_DEPTH = 32;
const LONE_SURROGATE = /\p{Cs}/u;

/** Encodes `value` as canonical JSON; throws TypeError for anything that is not plain JSON. */
export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new TypeError('canonical JSON: nesting too deep');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return encodeString(value);
    case 'number':
      if (!Number.isFinite(value) || Object.is(value, -0)) {
        throw new TypeError('canonical JSON: number not representable');
      }
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? encodeArray(value, depth) : encodeObject(value, depth);
    default:
      throw new TypeError(`canonical JSON: unsupported type ${typeof value}`);
  }
}

interface WellFormedString {
  isWellFormed?: () => boolean;
}

function encodeString(value: string): string {
  // String.prototype.isWellFormed (ES2024, native in Node 20) answers the same question as the regex, faster.
  const wellFormed = (value as unknown as WellFormedString).isWellFormed?.() ?? !LONE_SURROGATE.test(value);
  if (!wellFormed) throw new TypeError('canonical JSON: lone surrogate in string');
  return JSON.stringify(value);
}

function encodeArray(value: unknown[], depth: number): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) throw new TypeError('canonical JSON: sparse array');
    parts.push(encode(value[i], depth + 1));
  }
  return `[${parts.join(',')}]`;
}

function encodeObject(value: object, depth: number): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError('canonical JSON: not a plain object');
  if (Object.getOwnPropertySymbols(value).length > 0) throw new TypeError('canonical JSON: symbol key');
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, the order RFC 8785 prescribes.
  const keys = Object.keys(record).sort();
  const parts = keys.map((key) => {
    const member = record[key];
    if (member === undefined) throw new TypeError('canonical JSON: undefined member');
    return `${encodeString(key)}:${encode(member, depth + 1)}`;
  });
  return `{${parts.join(',')}}`;
}
