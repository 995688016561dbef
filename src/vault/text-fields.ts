/**
 * Free-text field types: `string`, `text`, `name` and `address`.
 *
 * Invariants: the result is a well-formed, NFC-normalized string within the type's length limit (counted in code
 * points after normalization), free of control characters except those the type allows (`text`: tab, CR, LF;
 * `address`: CR, LF; others: none). Lone surrogates are refused because they cannot be encoded as UTF-8 and would
 * be silently replaced when encrypted. Errors name the field and the problem, never the value.
 * Not addressed: invisible format characters (zero-width joiners, bidi overrides) are kept, since scripts and
 * emoji need some of them; confusable characters are not folded.
 */
import { invalidField } from './field-error.js';

const LONE_SURROGATE = /\p{Cs}/u;
const ANY_CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_TAB_AND_NEWLINES = /(?![\t\n\r])\p{Cc}/u;
const CONTROL_EXCEPT_NEWLINES = /(?![\n\r])\p{Cc}/u;
const LETTER = /\p{L}/u;

export const MAX_STRING_LENGTH = 1_000;
export const MAX_TEXT_LENGTH = 100_000;
export const MAX_NAME_LENGTH = 200;
export const MAX_ADDRESS_LENGTH = 1_000;

/** A single-line string: trimmed, no control characters, at most 1,000 code points. */
export function normalizeString(value: unknown, field: string): string {
  const result = readNfc(value, field, MAX_STRING_LENGTH).trim();
  if (ANY_CONTROL.test(result)) throw invalidField(field, 'must not contain control characters');
  return checkLength(result, field, 0, MAX_STRING_LENGTH);
}

/** Multi-line text kept as written (not trimmed): tabs and newlines allowed, at most 100,000 code points. */
export function normalizeText(value: unknown, field: string): string {
  const result = readNfc(value, field, MAX_TEXT_LENGTH);
  if (CONTROL_EXCEPT_TAB_AND_NEWLINES.test(result)) {
    throw invalidField(field, 'must not contain control characters');
  }
  return checkLength(result, field, 0, MAX_TEXT_LENGTH);
}

/** A person's name: trimmed, inner whitespace collapsed to one space, 1–200 code points, at least one letter. */
export function normalizeName(value: unknown, field: string): string {
  const trimmed = readNfc(value, field, MAX_NAME_LENGTH).trim();
  if (ANY_CONTROL.test(trimmed)) throw invalidField(field, 'must not contain control characters');
  const result = checkLength(trimmed.replace(/\s+/gu, ' '), field, 1, MAX_NAME_LENGTH);
  // "Digits only" (or punctuation only) is an identifier pasted into the wrong field, not a name.
  if (!LETTER.test(result)) throw invalidField(field, 'must contain a letter');
  return result;
}

/** A postal address: trimmed, newlines allowed (no other control characters), at most 1,000 code points. */
export function normalizeAddress(value: unknown, field: string): string {
  const result = readNfc(value, field, MAX_ADDRESS_LENGTH).trim();
  if (CONTROL_EXCEPT_NEWLINES.test(result)) throw invalidField(field, 'must not contain control characters');
  return checkLength(result, field, 0, MAX_ADDRESS_LENGTH);
}

/** Number of Unicode code points in `text` (a surrogate pair counts once). */
export function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1) count++;
  return count;
}

function readNfc(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  // Refuse absurd inputs before normalizing them; 4 UTF-16 units per allowed code point leaves room for
  // surrogate pairs, decomposed input and surrounding whitespace.
  if (value.length > maxLength * 4) throw invalidField(field, 'is too long');
  if (LONE_SURROGATE.test(value)) throw invalidField(field, 'is not valid Unicode');
  return value.normalize('NFC');
}

function checkLength(text: string, field: string, min: number, max: number): string {
  const length = countCodePoints(text);
  if (length > max) throw invalidField(field, 'is too long');
  if (length < min) throw invalidField(field, 'must not be empty');
  return text;
}
