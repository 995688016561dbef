/**
 * Scans one decoded log for secrets, segment by segment (line-segments.ts), reporting each finding with its file,
 * line, column and kind, never its value, and feeding a redacted copy when asked.
 *
 * Invariants: memory is bounded by the segment size whatever the input (no line is held whole); a PEM private key
 * spread over several lines is reported once, at its BEGIN line, and every line of it is hidden in the copy.
 */
import type { Finding } from '../finding.js';
import type { Span } from './extra-detectors.js';
import { findLogSecrets, maskedPreview } from './find-log-secrets.js';
import { DEFAULT_SEGMENTS, type SegmentOptions, segmentLines } from './line-segments.js';
import { LOG_RULES } from './log-rules.js';
import type { RedactedWriter } from './redacted-writer.js';

export interface LogScanStats {
  lines: number;
  chars: number;
}

const PEM_BEGIN = /^-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
const PEM_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

/** True when the text's last `-----BEGIN ` opens a private key that the text does not close. */
function opensPrivateKey(text: string): boolean {
  const begin = text.lastIndexOf('-----BEGIN ');
  if (begin === -1 || !PEM_BEGIN.test(text.slice(begin, begin + 80))) return false;
  return !PEM_END.test(text.slice(begin));
}

/** Hidden spans of a line inside a multi-line private key: all of it, or up to its END marker. */
function pemContinuation(text: string): { hidden: Span[]; closes: boolean } {
  const end = PEM_END.exec(text);
  if (end === null) return { hidden: [{ start: 0, end: text.length }], closes: false };
  return { hidden: [{ start: 0, end: end.index + end[0].length }], closes: true };
}

export interface ScanLogOptions {
  readonly file: string;
  readonly onFinding: (finding: Finding) => void;
  readonly writer?: RedactedWriter;
  readonly segments?: SegmentOptions;
}

/** Scans `chunks` (decoded text) and returns how many lines and characters it saw. */
export async function scanLog(chunks: AsyncIterable<string>, options: ScanLogOptions): Promise<LogScanStats> {
  const { file, onFinding, writer } = options;
  const stats: LogScanStats = { lines: 0, chars: 0 };
  let inPrivateKey = false;
  // End (line coordinates) of the last finding reported on this line, so the overlap does not report it twice.
  let reportedUpTo = 0;
  for await (const segment of segmentLines(chunks, options.segments ?? DEFAULT_SEGMENTS)) {
    const { text, offset } = segment;
    stats.chars += segment.owned + (segment.newline ? 1 : 0);
    let hidden: Span[];
    if (inPrivateKey) {
      const continuation = pemContinuation(text);
      hidden = continuation.hidden;
      if (continuation.closes) inPrivateKey = false;
    } else {
      const found = findLogSecrets(text);
      hidden = found.hidden;
      for (const match of found.reported) {
        if (match.start >= segment.owned || offset + match.start < reportedUpTo) continue;
        reportedUpTo = offset + match.end;
        const rule = LOG_RULES[match.rule];
        onFinding({
          ruleId: rule.id,
          severity: rule.severity,
          message: `${rule.title} (value not shown)`,
          location: { file, line: segment.line, column: offset + match.start + 1 },
          preview: maskedPreview(match.rule, text.slice(match.start, match.end)),
        });
      }
      if (segment.endsLine && opensPrivateKey(text)) inPrivateKey = true;
    }
    if (writer !== undefined) {
      await writer.writeSegment(
        segment,
        hidden.map((span) => ({ start: offset + span.start, end: offset + span.end })),
      );
    }
    if (segment.endsLine) {
      stats.lines++;
      reportedUpTo = 0;
    }
  }
  await writer?.finish();
  return stats;
}
