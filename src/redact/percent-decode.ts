import { Buffer } from 'node:buffer';

const ESCAPE = /^%[0-9A-Fa-f]{2}/;

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

function decodeLeniently(raw: string): string {
  const bytes: number[] = [];
  let i = 0;
  while (i < raw.length) {
    const escaped = ESCAPE.exec(raw.slice(i, i + 3));
    if (escaped !== null) {
      bytes.push(Number.parseInt(escaped[0].slice(1), 16));
      i += 3;
      continue;
    }
    const char = String.fromCodePoint(raw.codePointAt(i) ?? 0xfffd);
    for (const byte of Buffer.from(char, 'utf8')) bytes.push(byte);
    i += char.length;
  }
  return Buffer.from(bytes).toString('utf8');
}
