/**
 * Writes the redacted copy of a log, segment by segment: everything outside the hidden spans byte for byte,
 * each hidden span as `[REDACTED]`. Positions are in line coordinates, so a span found in one segment and
 * continued in the next (a secret across a segment edge) is hidden in both without writing any of it twice.
 */
import { REDACTED } from '@strongroom/redact';
import type { Span } from './extra-detectors.js';
import type { LineSegment } from './line-segments.js';

export interface TextSink {
  /** Resolves when the sink can take more (backpressure). */
  readonly write: (text: string) => Promise<void>;
}

export interface RedactedWriter {
  /** Writes what `segment` owns (and any hidden span continuing past it), `hidden` in line coordinates. */
  readonly writeSegment: (segment: LineSegment, hidden: readonly Span[]) => Promise<void>;
  /** Writes what is still buffered; call once after the last segment. */
  readonly finish: () => Promise<void>;
}

const FLUSH_AT = 64 * 1024;

export function createRedactedWriter(sink: TextSink): RedactedWriter {
  let written = 0;
  let buffer: string[] = [];
  let buffered = 0;
  const out = async (text: string) => {
    if (text.length === 0) return;
    buffer.push(text);
    buffered += text.length;
    if (buffered >= FLUSH_AT) await flush();
  };
  const flush = async () => {
    const text = buffer.join('');
    buffer = [];
    buffered = 0;
    await sink.write(text);
  };
  return {
    writeSegment: async (segment, hidden) => {
      const { offset, text } = segment;
      const textEnd = offset + text.length;
      let target = offset + segment.owned;
      // `hidden` is sorted and merged, so one pass finds the span (if any) that crosses the owned part's end.
      for (const span of hidden)
        if (span.start < target && span.end > target) target = Math.min(span.end, textEnd);
      let position = Math.max(written, offset);
      for (const span of hidden) {
        if (span.end <= position) continue;
        if (span.start >= target) break;
        if (span.start > position) await out(text.slice(position - offset, span.start - offset));
        await out(REDACTED);
        position = Math.min(span.end, textEnd);
      }
      if (target > position) await out(text.slice(position - offset, target - offset));
      written = Math.max(written, target);
      if (segment.endsLine) {
        if (segment.newline) await out('\n');
        written = 0;
      }
    },
    finish: flush,
  };
}
