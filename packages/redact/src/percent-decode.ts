import { Buffer } from 'node:buffer';

/**
 * Percent-decodes `raw` once, never throwing: well-formed escapes are decoded even next to malformed ones,
 * malformed escapes stay as typed, and bytes that are not valid UTF-8 become U+FFFD.
 */
export function decodePercent(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return decodeLeniently(raw);
  }
}

/** Decodes a query-string name or value: `+` is a space, then percent-decoding as in `decodePercent`. */
export function decodeQueryComponent(raw: string): string {
  return decodePercent(raw.replaceAll('+', ' '));
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

// One pass with no per-character allocation: literal runs between `%` signs are copied as UTF-8 (a `%` never
// splits a surrogate pair), and the output is never longer than the input's UTF-8.
function decodeLeniently(raw: string): string {
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(raw, 'utf8'));
  let length = 0;
  let i = 0;
  while (i < raw.length) {
    const mark = raw.indexOf('%', i);
    const end = mark === -1 ? raw.length : mark;
    if (end > i) length += bytes.write(raw.slice(i, end), length, 'utf8');
    if (mark === -1) break;
    if (isHexDigit(raw.charCodeAt(mark + 1)) && isHexDigit(raw.charCodeAt(mark + 2))) {
      bytes[length++] = Number.parseInt(raw.slice(mark + 1, mark + 3), 16);
      i = mark + 3;
    } else {
      bytes[length++] = 0x25;
      i = mark + 1;
    }
  }
  return bytes.toString('utf8', 0, length);
}
