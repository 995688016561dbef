/**
 * JSON Web Tokens in free text: JWS compact (3 segments, the signature may be empty) and JWE compact
 * (5 segments), the header first and shaped like a JSON object (`eyJ` is base64url of `{"`).
 *
 * Invariants:
 * - no prefix hides a token: every `eyJ` is a candidate header start, whatever precedes it (other base64url
 *   text, a fake `eyJ…` segment, a rejected candidate), so a token glued behind a decoy is still found;
 * - linear time: segment boundaries are found once per run of segment characters, however many `eyJ` a run holds;
 *   header validation (base64url then JSON) is bounded by `scanWorkLimit` in total, and past it every further
 *   well-formed candidate counts as a token unvalidated (fail closed).
 * Not addressed: a token with text glued after its last segment is reported with that text (the signature cannot
 * be told from what follows it); a token split by other characters.
 */
import { Buffer } from 'node:buffer';
import { type Span, scanWorkLimit } from './candidate-scan.js';

const HEADER_START = 'eyJ';

function isSegmentChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 95 || // _
    code === 45 // -
  );
}

/** The first index at or after `from` that is not a base64url character. */
function segmentEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSegmentChar(text.charCodeAt(i))) i++;
  return i;
}

/** Where a token whose header ends at `headerEnd` (a `.`) ends: JWE first, then JWS; -1 when neither fits. */
function tokenEnd(text: string, headerEnd: number): number {
  const second = segmentEnd(text, headerEnd + 1);
  if (text[second] === '.') {
    const third = segmentEnd(text, second + 1);
    if (text[third] === '.') {
      const fourth = segmentEnd(text, third + 1);
      if (fourth > third + 1 && text[fourth] === '.') return segmentEnd(text, fourth + 1);
    }
    if (second > headerEnd + 1) return third;
  }
  return -1;
}

function isJsonObjectHeader(header: string): boolean {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** Spans of the JWTs in `text`, possibly overlapping (a valid header glued before a real token yields both). */
export function findJwts(text: string): Span[] {
  const spans: Span[] = [];
  const limit = scanWorkLimit(text);
  let work = 0;
  // Every `eyJ` inside one run of segment characters shares the run's end, and so the rest of the token.
  let runEnd = -1;
  let end = -1;
  for (let start = text.indexOf(HEADER_START); start !== -1; start = text.indexOf(HEADER_START, start + 1)) {
    if (start >= runEnd) {
      runEnd = segmentEnd(text, start);
      end = text[runEnd] === '.' ? tokenEnd(text, runEnd) : -1;
    }
    if (end === -1 || runEnd - start <= HEADER_START.length) continue;
    work += runEnd - start;
    if (work > limit || isJsonObjectHeader(text.slice(start, runEnd))) spans.push({ start, end });
  }
  return spans;
}
