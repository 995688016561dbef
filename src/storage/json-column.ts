/**
 * Decoders for JSON text columns, used by the row mappers: a row whose JSON is malformed or of the wrong shape
 * is a typed error (INTERNAL_ERROR, with the column named in the cause and never its contents), not a wrongly
 * typed object handed to a service.
 */
import { AppError } from '../errors.js';

type Scalar = string | number | boolean;

function corrupt(column: string, cause?: unknown): AppError {
  return new AppError('INTERNAL_ERROR', {
    cause: new TypeError(`stored column ${column} is not valid`, cause === undefined ? {} : { cause }),
  });
}

function parse(column: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw corrupt(column, error);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON array of strings (role lists). */
export function decodeStringArray(column: string, text: string): string[] {
  const value = parse(column, text);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw corrupt(column);
  return value;
}

/** A JSON object whose values are strings, numbers or booleans (user attributes). */
export function decodeScalarRecord(column: string, text: string): Record<string, Scalar> {
  const value = parse(column, text);
  if (!isRecord(value)) throw corrupt(column);
  for (const item of Object.values(value)) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean')
      throw corrupt(column);
  }
  return value as Record<string, Scalar>;
}

/** A JSON object whose values are strings, numbers, booleans or null (security event details). */
export function decodeNullableScalarRecord(column: string, text: string): Record<string, Scalar | null> {
  const value = parse(column, text);
  if (!isRecord(value)) throw corrupt(column);
  for (const item of Object.values(value)) {
    if (item !== null && typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      throw corrupt(column);
    }
  }
  return value as Record<string, Scalar | null>;
}

/** A JSON object whose values are strings (a record's sealed field ciphertexts). */
export function decodeStringRecord(column: string, text: string): Record<string, string> {
  const value = parse(column, text);
  if (!isRecord(value) || !Object.values(value).every((item) => typeof item === 'string'))
    throw corrupt(column);
  return value as Record<string, string>;
}

/** A collection's field list: objects with a name, a type and the three flags. */
export function decodeFieldList(
  column: string,
  text: string,
): Array<{ name: string; type: string; sensitive: boolean; searchable: boolean; required: boolean }> {
  const value = parse(column, text);
  if (!Array.isArray(value)) throw corrupt(column);
  return value.map((item: unknown) => {
    if (
      !isRecord(item) ||
      typeof item.name !== 'string' ||
      typeof item.type !== 'string' ||
      typeof item.sensitive !== 'boolean' ||
      typeof item.searchable !== 'boolean' ||
      typeof item.required !== 'boolean'
    ) {
      throw corrupt(column);
    }
    const { name, type, sensitive, searchable, required } = item;
    return { name, type, sensitive, searchable, required };
  });
}

/** A public JWK: an object with a string `kty` and no private members (`d`). */
export function decodePublicJwk(column: string, text: string): Record<string, unknown> & { kty: string } {
  const value = parse(column, text);
  if (!isRecord(value) || typeof value.kty !== 'string' || 'd' in value) throw corrupt(column);
  return value as Record<string, unknown> & { kty: string };
}
