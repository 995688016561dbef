/**
 * Splits decoded log text into lines, and lines longer than a bound into overlapping segments, so memory stays
 * flat whatever the input: a 1 GB log with no newline costs one segment, not 1 GB.
 *
 * Invariant: consecutive segments of one line overlap by `overlap` characters and each segment owns (reports and
 * writes) only its first `text.length - overlap` characters (the last segment of a line owns all of it). A secret
 * no longer than `overlap` that starts in a segment's owned part therefore ends inside that segment, so no secret
 * is missed or reported twice at a segment edge. Longer secrets (a PEM block on one line) are still found, cut at
 * the segment's end, and redaction extends over what the next segment sees of them.
 */

export interface LineSegment {
  /** 1-based line number. */
  readonly line: number;
  /** Offset of `text` in its line. */
  readonly offset: number;
  readonly text: string;
  /** Characters of `text` this segment owns, from its start. */
  readonly owned: number;
  /** True for the last segment of a line. */
  readonly endsLine: boolean;
  /** True when the line ended with a newline (false only for the file's last line). */
  readonly newline: boolean;
}

export interface SegmentOptions {
  readonly maxSegment: number;
  readonly overlap: number;
}

/** Default bounds: lines up to 64 KiB are scanned whole; the overlap exceeds any single-line secret but PEM keys. */
export const DEFAULT_SEGMENTS: SegmentOptions = Object.freeze({ maxSegment: 64 * 1024, overlap: 8 * 1024 });

/** The segments of decoded text arriving in `chunks`, in order. */
export async function* segmentLines(
  chunks: AsyncIterable<string>,
  { maxSegment, overlap }: SegmentOptions = DEFAULT_SEGMENTS,
): AsyncGenerator<LineSegment> {
  // Twice the overlap at least: what a segment writes past its owned part stays inside the next one's.
  if (!(overlap >= 0 && maxSegment >= 2 * overlap && maxSegment > 0)) {
    throw new RangeError('maxSegment must be at least twice the overlap');
  }
  const step = maxSegment - overlap;
  let pending = '';
  let line = 1;
  let offset = 0;
  for await (const chunk of chunks) {
    let from = 0;
    while (from < chunk.length) {
      const newline = chunk.indexOf('\n', from);
      pending += newline === -1 ? chunk.slice(from) : chunk.slice(from, newline);
      while (pending.length > maxSegment) {
        yield {
          line,
          offset,
          text: pending.slice(0, maxSegment),
          owned: step,
          endsLine: false,
          newline: false,
        };
        pending = pending.slice(step);
        offset += step;
      }
      if (newline === -1) break;
      yield { line, offset, text: pending, owned: pending.length, endsLine: true, newline: true };
      pending = '';
      line++;
      offset = 0;
      from = newline + 1;
    }
  }
  if (pending.length > 0 || offset > 0) {
    yield { line, offset, text: pending, owned: pending.length, endsLine: true, newline: false };
  }
}
