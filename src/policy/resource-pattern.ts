/**
 * Resource patterns: `/`-separated segments matched one for one against a resource path.
 *
 * Grammar (decided here, checked at load time):
 * - a literal segment is 1–128 characters of `A-Z a-z 0-9 _ - . : @`, and is never `.` or `..`;
 * - `*` matches exactly one segment, whatever it is (`collections/*\/fields/*`);
 * - `**` is allowed only as the last segment and matches ONE OR MORE further segments, as in gitignore:
 *   `collections/patients/**` covers everything beneath `collections/patients` but not that path itself;
 * - partial wildcards (`pat*`), empty segments, and leading or trailing `/` are invalid.
 *
 * Invariants: matching is exact and case-sensitive, linear in the number of segments, and never throws. A
 * request path must be made of literal segments only (no `*`), so a caller cannot smuggle a wildcard into a
 * path and match more than the pattern author wrote. Request paths are capped at 64 segments.
 */
import { invalidPolicy } from './policy-error.js';

type Segment = { kind: 'literal'; value: string } | { kind: 'one' } | { kind: 'rest' };

export type ResourcePattern = readonly Segment[];

const LITERAL = /^[A-Za-z0-9_\-.:@]{1,128}$/;
const MAX_SEGMENTS = 64;

function isLiteralSegment(segment: string): boolean {
  return LITERAL.test(segment) && segment !== '.' && segment !== '..';
}

/** Parses a pattern from a policy document; throws VALIDATION_FAILED naming `path` if it breaks the grammar. */
export function parseResourcePattern(raw: unknown, path: string): ResourcePattern {
  if (typeof raw !== 'string' || raw.length === 0) throw invalidPolicy(path, 'must be a non-empty string');
  const parts = raw.split('/');
  if (parts.length > MAX_SEGMENTS) throw invalidPolicy(path, `must have at most ${MAX_SEGMENTS} segments`);
  return parts.map((part, index): Segment => {
    if (part === '*') return { kind: 'one' };
    if (part === '**') {
      if (index !== parts.length - 1) throw invalidPolicy(path, 'may use "**" only as the last segment');
      return { kind: 'rest' };
    }
    if (!isLiteralSegment(part)) throw invalidPolicy(path, `has an invalid segment at position ${index}`);
    return { kind: 'literal', value: part };
  });
}

const parsedPaths = new Map<string, readonly string[] | null>();
const MAX_CACHED_PATHS = 10_000;

/**
 * Splits a request path into literal segments, or returns null when it is not a valid resource path. Requests ask
 * about the same few paths (one per collection field) over and over: results are remembered (frozen, bounded).
 */
export function parseResourcePath(raw: unknown): readonly string[] | null {
  if (typeof raw !== 'string' || raw.length === 0) return null;
  const known = parsedPaths.get(raw);
  if (known !== undefined) return known;
  const parts = raw.split('/');
  const parsed = parts.length > MAX_SEGMENTS || !parts.every(isLiteralSegment) ? null : Object.freeze(parts);
  if (parsedPaths.size >= MAX_CACHED_PATHS) parsedPaths.clear();
  parsedPaths.set(raw, parsed);
  return parsed;
}

/** True when the literal `segments` of a request path match `pattern`. */
export function matchesResource(pattern: ResourcePattern, segments: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const segment = pattern[i];
    if (segment === undefined) return false;
    if (segment.kind === 'rest') return segments.length > i;
    const actual = segments[i];
    if (actual === undefined) return false;
    if (segment.kind === 'literal' && segment.value !== actual) return false;
  }
  return segments.length === pattern.length;
}
