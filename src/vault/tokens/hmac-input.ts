/**
 * Unambiguous HMAC input: a domain tag, then each field as a 4-byte big-endian byte length followed by its UTF-8
 * bytes. Length prefixes mean no two different field lists encode to the same bytes (["ab","c"] ≠ ["a","bc"]),
 * and the domain tag keeps one token format's MACs from ever equalling another's under the same key.
 */

/** Encodes `domain` and `fields` so that distinct inputs always give distinct bytes. */
export function encodeHmacInput(domain: string, fields: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const field of [domain, ...fields]) {
    const bytes = Buffer.from(field, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}
