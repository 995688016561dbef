/**
 * US Social Security numbers.
 *
 * Only the printed forms `ddd-dd-dddd` and `ddd dd dddd` are recognised in free text, and only with numbers the
 * SSA can issue (area not 000, 666 or 9xx; group not 00; serial not 0000). A bare 9-digit run is too common in
 * free text to call an SSN; the URL guard accepts it only as a whole path segment or query value.
 */

/**
 * `ddd-dd-dddd` or `ddd dd dddd` with one separator throughout, not glued to letters or digits and not part of a
 * longer run of digit groups joined by the same separator (`1-123-45-6789`). A group joined by another separator
 * is other text: `room 12 123-45-6789` holds an SSN. Fixed length, so it runs in linear time.
 */
export const SSN_PATTERN =
  /(?<![0-9A-Za-z])(?:(?<!\d-)\d{3}-\d{2}-\d{4}(?!-\d)|(?<!\d )\d{3} \d{2} \d{4}(?! \d))(?![0-9A-Za-z])/g;

/** True when `digits` is 9 ASCII digits forming an issuable SSN. */
export function isValidSsn(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = digits.slice(0, 3);
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  return digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000';
}

/** True when `candidate`, with separators removed, is a valid SSN (for matches of `SSN_PATTERN`). */
export function isValidPrintedSsn(candidate: string): boolean {
  return isValidSsn(candidate.replace(/[ -]/g, ''));
}
