/**
 * Payment card numbers (PANs) in free text.
 *
 * A candidate is a run of digit groups joined by single spaces or dashes. Inside a run, a card number is either
 * one whole group of 13–19 digits (never a slice of a longer digit run) or a grouping as cards are printed: a
 * 4-digit first group, then groups of 3–6 digits, all with the same separator. It must pass Luhn and start like
 * a card: not with 0 (no issuer), and with 1 only at 15 digits (UATP). The last rule keeps millisecond and
 * nanosecond timestamps and snowflake ids, which start with 1 today, from looking like cards 1 time in 10.
 * Not addressed: numbers split by other characters ("4242.4242…"), or spelled out.
 */
import type { Span } from './candidate-scan.js';
import { passesLuhn } from './luhn.js';

/** Runs of digit groups, not glued to letters, other digits or a decimal point. */
export const CARD_CANDIDATE_PATTERN = /(?<![0-9A-Za-z])(?<!\d\.)\d+(?:[ -]\d+)*(?![0-9A-Za-z])(?!\.\d)/g;

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;

/** True when `digits` (no separators) has a card's length, a plausible first digit and a valid Luhn check digit. */
export function isPlausibleCardNumber(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  if (digits.startsWith('0')) return false;
  if (digits.startsWith('1') && digits.length !== 15) return false;
  return passesLuhn(digits);
}

/**
 * Spans of the card numbers inside one run matched by `CARD_CANDIDATE_PATTERN`: the longest card starting at
 * each group, so a card found at one group never hides one that starts inside it and ends after it (a 4-digit
 * decoy group before a printed card). Spans may overlap; each start costs at most 19 digits of work.
 */
export function findCardNumbersInRun(run: string): Span[] {
  const groups: Span[] = Array.from(run.matchAll(/\d+/g), (m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }));
  const spans: Span[] = [];
  for (let from = 0; from < groups.length; from++) {
    const card = longestCardFrom(run, groups, from);
    if (card !== null) spans.push(card);
  }
  return spans;
}

/** The longest card number made of whole groups starting at group `from`. */
function longestCardFrom(run: string, groups: readonly Span[], from: number): Span | null {
  const first = groups[from];
  if (first === undefined) return null;
  const separator = run[first.end];
  let digits = '';
  let best: Span | null = null;
  for (let j = from; j < groups.length; j++) {
    const group = groups[j];
    if (group === undefined) break;
    const length = group.end - group.start;
    if (j > from) {
      const isPrinted =
        first.end - first.start === 4 && length >= 3 && length <= 6 && run[group.start - 1] === separator;
      if (!isPrinted) break;
    }
    if (digits.length + length > MAX_DIGITS) break;
    digits += run.slice(group.start, group.end);
    if (digits.length >= MIN_DIGITS && isPlausibleCardNumber(digits)) {
      best = { start: first.start, end: group.end };
    }
  }
  return best;
}
