/**
 * The scan every pattern-based detector runs: find candidates, keep the spans a validator accepts.
 *
 * Invariants:
 * - no candidate hides another: after each candidate, accepted or rejected, the scan resumes one character after
 *   where that candidate began, not after its end, so a real secret glued behind a secret-looking decoy (a fake
 *   `srk_` prefix, a `Bearer Bearer` typo) is still a candidate of its own. Detectors whose candidates are
 *   maximal runs already examined whole by their validator (card numbers) scan without overlap;
 * - the work is bounded: the characters of all candidates of one scan may not exceed `scanWorkLimit(text)`.
 *   Past it the scan fails closed: the rest of the text, from the candidate that crossed the limit, counts as a
 *   secret. Only hostile text (thousands of overlapping candidates) gets there; ordinary text costs a few times
 *   its length.
 * Threats addressed: decoys placed to blind the URL guard, the log redactor or the plain-HTTP revoker, and input
 * crafted to make overlapping scans quadratic. Patterns must themselves run in linear time per start position
 * (no nested unbounded quantifiers), which detectors.ts states for each.
 */

/** Relative span inside a text or a candidate. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Spans of the secrets a validator accepts in one candidate (relative to it), empty to reject it. */
export type Validate = (candidate: string) => readonly Span[];

/** Characters of candidates one scan may examine per character of text, plus a fixed allowance. */
export const SCAN_WORK_PER_CHAR = 64;
const SCAN_WORK_BASE = 4096;

/** The most candidate characters a scan of `text` examines before it fails closed. */
export function scanWorkLimit(text: string): number {
  return SCAN_WORK_PER_CHAR * text.length + SCAN_WORK_BASE;
}

/**
 * A finder for `pattern` (compiled once, global) and `validate`: every accepted span in a text, in text
 * coordinates, possibly overlapping. `overlapping: false` resumes after each candidate's end instead.
 */
export function scanCandidates(
  pattern: RegExp,
  validate: Validate,
  options: { readonly overlapping?: boolean } = {},
): (text: string) => Span[] {
  const scanner = new RegExp(
    pattern.source,
    pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
  );
  const overlapping = options.overlapping ?? true;
  // Scans are synchronous and validators never scan, so resetting `lastIndex` before each use is enough.
  return (text) => {
    const spans: Span[] = [];
    const limit = scanWorkLimit(text);
    let work = 0;
    scanner.lastIndex = 0;
    for (let match = scanner.exec(text); match !== null; match = scanner.exec(text)) {
      const candidate = match[0];
      work += candidate.length + 1;
      if (work > limit) {
        spans.push({ start: match.index, end: text.length });
        break;
      }
      let coversRest = false;
      for (const span of validate(candidate)) {
        if (span.end <= span.start) continue;
        spans.push({ start: match.index + span.start, end: match.index + span.end });
        coversRest ||= span.start === 0 && match.index + span.end === text.length;
      }
      // A candidate accepted from its start to the end of the text covers every later one.
      if (coversRest) break;
      if (overlapping) scanner.lastIndex = match.index + 1;
      else if (candidate.length === 0) scanner.lastIndex++;
    }
    return spans;
  };
}
