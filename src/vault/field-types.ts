/**
 * Field types for vault collections: the validation and canonical form of every value before it is stored.
 *
 * Invariants: `normalizeFieldValue` returns the one canonical form of a valid value (so equal values compare
 * equal and normalizing twice changes nothing), and throws only `AppError` VALIDATION_FAILED, with `field` set to
 * the caller's path and a message that names the field and the problem but never contains the value. Sensitive
 * values never reach an error message, a log or a stack trace from here.
 * Threats addressed: malformed or oversized input (every string type has a length bound checked before costly
 * work), Unicode lookalike duplicates from unnormalized input (NFC), number precision loss (identifiers are
 * strings only, integers must be safe). Not addressed: whether a valid-looking number is real or belongs to
 * the caller; encryption and storage, which live elsewhere.
 */
import { MAX_CARD_WRITTEN_LENGTH, normalizeCardNumber } from './card-number-field.js';
import { emailEqualityForm, MAX_EMAIL_LENGTH, normalizeEmail } from './email-field.js';
import { MAX_IBAN_WRITTEN_LENGTH, normalizeIban } from './iban-field.js';
import { MAX_PHONE_WRITTEN_LENGTH, normalizePhone } from './phone-field.js';
import { normalizeBoolean, normalizeDate, normalizeInteger } from './scalar-fields.js';
import { normalizeSsn } from './ssn-field.js';
import {
  MAX_ADDRESS_LENGTH,
  MAX_NAME_LENGTH,
  MAX_STRING_LENGTH,
  MAX_TEXT_LENGTH,
  normalizeAddress,
  normalizeName,
  normalizeString,
  normalizeText,
} from './text-fields.js';

/** Every field type a collection may declare. */
export const FIELD_TYPES = Object.freeze([
  'string',
  'text',
  'integer',
  'boolean',
  'date',
  'email',
  'phone',
  'ssn',
  'card_number',
  'iban',
  'name',
  'address',
] as const);

export type FieldType = (typeof FIELD_TYPES)[number];

/**
 * The longest value each string type accepts (characters; text types count code points after NFC, the others
 * characters after trimming); `null` for types that are not strings. Published in the API description.
 */
export const FIELD_VALUE_MAX_LENGTH: Readonly<Record<FieldType, number | null>> = Object.freeze({
  string: MAX_STRING_LENGTH,
  text: MAX_TEXT_LENGTH,
  integer: null,
  boolean: null,
  date: 10,
  email: MAX_EMAIL_LENGTH,
  phone: MAX_PHONE_WRITTEN_LENGTH,
  ssn: 11,
  card_number: MAX_CARD_WRITTEN_LENGTH,
  iban: MAX_IBAN_WRITTEN_LENGTH,
  name: MAX_NAME_LENGTH,
  address: MAX_ADDRESS_LENGTH,
});

/** The longest field value of any type: the bound of a value whose type is not known yet. */
export const MAX_FIELD_VALUE_LENGTH = Math.max(
  ...Object.values(FIELD_VALUE_MAX_LENGTH).filter((limit): limit is number => limit !== null),
);

/** The canonical form of a field value. */
export type FieldValue = string | number | boolean;

const NORMALIZERS: Readonly<Record<FieldType, (value: unknown, field: string) => FieldValue>> = Object.freeze(
  {
    string: normalizeString,
    text: normalizeText,
    integer: normalizeInteger,
    boolean: normalizeBoolean,
    date: normalizeDate,
    email: normalizeEmail,
    phone: normalizePhone,
    ssn: normalizeSsn,
    card_number: normalizeCardNumber,
    iban: normalizeIban,
    name: normalizeName,
    address: normalizeAddress,
  },
);

/** True when `name` is one of `FIELD_TYPES`. */
export function isFieldType(name: unknown): name is FieldType {
  return typeof name === 'string' && (FIELD_TYPES as readonly string[]).includes(name);
}

/** Validates `value` as a `type` field at path `field` and returns its canonical form; throws VALIDATION_FAILED. */
export function normalizeFieldValue(type: FieldType, value: unknown, field: string): FieldValue {
  // A type outside the list is a schema bug, not bad input: fail loudly rather than store an unchecked value.
  if (!isFieldType(type)) throw new TypeError('unknown field type');
  return NORMALIZERS[type](value, field);
}

/**
 * The form in which values of `type` are compared for equality (blind indexes, search, filters, deterministic
 * tokens): the canonical value itself, except emails, compared without case. Stored values keep their canonical form.
 */
export function equalityForm(type: FieldType, value: FieldValue): FieldValue {
  return type === 'email' && typeof value === 'string' ? emailEqualityForm(value) : value;
}
