/**
 * Redaction of values on their way to logs, audit entries and error reports.
 *
 * Invariants:
 * - the input is never mutated; the result is a fresh copy sharing no object with it;
 * - every string in the result (values, object keys, error messages and stacks) has passed `redactString`;
 * - a field whose name is sensitive (`isSensitiveKeyName`) keeps no part of its value, whatever its type;
 *   only null, undefined and booleans are left as they are, since they cannot hold a secret;
 * - `redactValue` never throws: cycles, depth beyond `MAX_DEPTH`, throwing getters and revoked proxies become
 *   markers (`[Circular]`, `[Truncated]`, `[Unreadable]`);
 * - errors keep only `type`, `message`, `stack`, `code` and `cause`: driver errors put query parameters and row
 *   values in other properties (`detail`, `parameters`).
 * Threats addressed: credentials and personal data copied into logs by accident. Not addressed: secrets with
 * no recognisable shape under an innocuous field name, and binary data, which is replaced by its length.
 */
import { findSecrets } from './detectors.js';
import { isSensitiveKeyName } from './sensitive-names.js';

/** What replaces the value of a sensitive field. */
export const REDACTED = '[REDACTED]';

/** Containers nested deeper than this are replaced by `[Truncated]`. */
export const MAX_DEPTH = 8;

/** Replaces every secret-shaped substring of `text` with `[REDACTED:<detector>]`. */
export function redactString(text: string): string {
  const found = findSecrets(text);
  if (found.length === 0) return text;
  let out = '';
  let last = 0;
  for (const { detector, start, end } of found) {
    out += `${text.slice(last, start)}[REDACTED:${detector}]`;
    last = end;
  }
  return out + text.slice(last);
}

/**
 * Returns a redacted deep copy of `value`, safe to log; see the invariants above. A flat plain object that holds
 * nothing to redact (the typical log line) is returned as it is, uncopied: it is already safe, and copying every
 * log line's fields costs more than logging them.
 */
export function redactValue(value: unknown): unknown {
  if (isCleanFlatObject(value)) return value;
  return redactNode(value, 0, new Set());
}

function isCleanFlatObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key of Object.keys(value)) {
    if (isSensitiveKeyName(key) || findSecrets(key).length > 0) return false;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || !('value' in descriptor)) return false;
    const item: unknown = descriptor.value;
    if (typeof item === 'string') {
      if (findSecrets(item).length > 0) return false;
    } else if (typeof item === 'object' || typeof item === 'function') {
      if (item !== null) return false;
    }
  }
  return true;
}

function redactNode(value: unknown, depth: number, ancestors: Set<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value === 'function') return '[Function]';
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  ancestors.add(value);
  try {
    return redactObject(value, depth + 1, ancestors);
  } catch {
    return '[Unreadable]';
  } finally {
    ancestors.delete(value);
  }
}

function redactObject(value: object, depth: number, ancestors: Set<object>): unknown {
  if (value instanceof Error) return redactError(value, depth, ancestors);
  if (Array.isArray(value)) return value.map((item: unknown) => redactNode(item, depth, ancestors));
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof URL) return redactString(value.href);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[Binary: ${value.byteLength} bytes]`;
  if (value instanceof Set) return redactNode([...value], depth - 1, ancestors);
  if (value instanceof Map) {
    const entries = [...value.entries()];
    if (entries.every(([key]) => typeof key === 'string')) {
      return redactEntries(entries as Array<[string, unknown]>, depth, ancestors);
    }
    return redactNode(entries, depth - 1, ancestors);
  }
  const entries = Object.keys(value).map((key): [string, unknown] => [key, readProperty(value, key)]);
  return redactEntries(entries, depth, ancestors);
}

function redactEntries(entries: Array<[string, unknown]>, depth: number, ancestors: Set<object>): object {
  // fromEntries defines own properties, so a `__proto__` key stays data and never becomes a prototype.
  return Object.fromEntries(
    entries.map(([key, item]) => [
      redactString(key),
      isSensitiveKeyName(key) ? hideSensitive(item) : redactNode(item, depth, ancestors),
    ]),
  );
}

function hideSensitive(value: unknown): unknown {
  return value === null || value === undefined || typeof value === 'boolean' ? value : REDACTED;
}

function readProperty(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

interface RedactedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  cause?: unknown;
}

function redactError(error: Error, depth: number, ancestors: Set<object>): RedactedError {
  const name = readProperty(error, 'name');
  const message = readProperty(error, 'message');
  const stack = readProperty(error, 'stack');
  const code = readProperty(error, 'code');
  const out: RedactedError = {
    type: redactString(typeof name === 'string' ? name : 'Error'),
    message: redactString(typeof message === 'string' ? message : String(message)),
  };
  if (typeof stack === 'string') out.stack = redactString(stack);
  if (typeof code === 'string') out.code = redactString(code);
  if (typeof code === 'number') out.code = code;
  if ('cause' in error) out.cause = redactNode(readProperty(error, 'cause'), depth, ancestors);
  return out;
}
