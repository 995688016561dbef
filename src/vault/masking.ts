/**
 * Masked display of field values: what a reader without reveal permission sees.
 *
 * What each type reveals, and nothing more (`*` hides one character unless noted):
 * - ssn: the last four digits, `***-**-6789`.
 * - card_number: the last four digits; the other digits become `*` in groups of four from the left, so the
 *   length is kept: `**** **** **** 4242` (16 digits), `**** **** *** 0005` (15 digits).
 * - phone: `+`, the first digit and the last three digits; the rest become `*`: `+1*******890`.
 * - iban: the country code and the last four characters; the rest become `*`: `DE****************3000`.
 * - email: the first character of the local part and the whole domain, `j***@example.com`; a one-character
 *   local part is hidden entirely, `*@example.com`. The `***` has a fixed width and hides the local length.
 * - name: the first character of each space-separated word followed by `***`: `J*** P***`.
 * - date: the year only, `1990-**-**` (HIPAA Safe Harbor likewise treats the year as non-identifying).
 * - string, text, address: the first character and `***`; values shorter than 4 characters show only `***`.
 * - integer, boolean: `***`.
 * Invariant: a value that is not in its type's canonical form (i.e. did not come from `normalizeFieldValue`)
 * is masked entirely as `***` rather than partly revealed. Not addressed: the revealed parts themselves
 * (e.g. a rare email domain) may identify someone when combined with other data.
 */
import type { FieldType, FieldValue } from './field-types.js';

/** The mask that reveals nothing. */
export const FULL_MASK = '***';

/** The masked display form of a normalized `type` value (see the header for what each type reveals). */
export function maskFieldValue(type: FieldType, normalized: FieldValue): string {
  if (typeof normalized !== 'string') return FULL_MASK;
  switch (type) {
    case 'ssn':
      return /^\d{3}-\d{2}-\d{4}$/.test(normalized) ? `***-**-${normalized.slice(-4)}` : FULL_MASK;
    case 'card_number':
      return maskCardNumber(normalized);
    case 'phone':
      return maskPhone(normalized);
    case 'iban':
      return maskIban(normalized);
    case 'email':
      return maskEmail(normalized);
    case 'name':
      return maskName(normalized);
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(normalized) ? `${normalized.slice(0, 4)}-**-**` : FULL_MASK;
    case 'string':
    case 'text':
    case 'address':
      return maskFreeText(normalized);
    default:
      return FULL_MASK;
  }
}

function maskCardNumber(digits: string): string {
  if (!/^\d{12,19}$/.test(digits)) return FULL_MASK;
  const hidden = '*'.repeat(digits.length - 4).replace(/\*{4}(?!$)/g, '**** ');
  return `${hidden} ${digits.slice(-4)}`;
}

function maskPhone(phone: string): string {
  if (!/^\+[1-9]\d{7,14}$/.test(phone)) return FULL_MASK;
  return `+${phone[1]}${'*'.repeat(phone.length - 5)}${phone.slice(-3)}`;
}

function maskIban(iban: string): string {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return FULL_MASK;
  return `${iban.slice(0, 2)}${'*'.repeat(iban.length - 6)}${iban.slice(-4)}`;
}

function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at < 1 || at !== email.lastIndexOf('@')) return FULL_MASK;
  const domain = email.slice(at + 1);
  return at === 1 ? `*@${domain}` : `${email[0]}***@${domain}`;
}

function maskName(name: string): string {
  if (name.length === 0) return FULL_MASK;
  return name
    .split(' ')
    .map((word) => `${String.fromCodePoint(word.codePointAt(0) ?? 0x2a)}***`)
    .join(' ');
}

function maskFreeText(text: string): string {
  const first = text.codePointAt(0);
  // Four code points at least: a 1–3 character value would be mostly revealed by its first character.
  if (first === undefined || Array.from(text.slice(0, 8)).length < 4) return FULL_MASK;
  return `${String.fromCodePoint(first)}***`;
}
