/**
 * Collection definitions and the checking of record input against them. Pure: no storage, no crypto.
 * Invariants: a record holds only declared fields, each normalized by its type (`normalizeFieldValue`); errors
 * name the field path and never the value; `searchable` is only meaningful on sensitive fields (non-sensitive ones
 * are stored as they are and can always be filtered on).
 */
import { isSafeName } from '@strongroom/redact';
import { AppError } from '../errors.js';
import { invalidField } from './field-error.js';
import { type FieldType, type FieldValue, isFieldType, normalizeFieldValue } from './field-types.js';

export interface FieldDefinition {
  name: string;
  type: FieldType;
  sensitive: boolean;
  searchable: boolean;
  required: boolean;
}

export const COLLECTION_NAME_PATTERN = '^[a-z][a-z0-9_-]{0,63}$';
export const FIELD_NAME_PATTERN = '^[a-z][a-z0-9_]{0,63}$';
export const MAX_FIELDS = 64;
/** Names a field cannot take: `subject` names the record's subject id in `reveal`. */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set(['subject']);
const FIELD_NAME = new RegExp(FIELD_NAME_PATTERN);

/** Checks a declared field list (already shaped by the route schema); returns it with defaults filled in. */
export function checkFieldDefinitions(
  fields: ReadonlyArray<{
    name: string;
    type: string;
    sensitive?: boolean;
    searchable?: boolean;
    required?: boolean;
  }>,
  path = 'fields',
): FieldDefinition[] {
  const seen = new Set<string>();
  return fields.map((field, i) => {
    const at = `${path}/${i}`;
    if (!FIELD_NAME.test(field.name)) throw invalidField(`${at}/name`, `must match ${FIELD_NAME_PATTERN}`);
    if (seen.has(field.name)) throw invalidField(`${at}/name`, 'repeats a field name');
    if (RESERVED_FIELD_NAMES.has(field.name)) throw invalidField(`${at}/name`, 'is reserved');
    seen.add(field.name);
    if (!isFieldType(field.type)) throw invalidField(`${at}/type`, 'is not a supported field type');
    const sensitive = field.sensitive ?? false;
    const searchable = field.searchable ?? false;
    if (searchable && !sensitive) {
      throw invalidField(
        `${at}/searchable`,
        'applies to sensitive fields only; other fields can be filtered on',
      );
    }
    return { name: field.name, type: field.type, sensitive, searchable, required: field.required ?? false };
  });
}

/** A record's values after checking: canonical forms, split into stored-as-is and to-be-encrypted. */
export interface CheckedValues {
  plain: Record<string, FieldValue>;
  sensitive: Record<string, FieldValue>;
  /** Fields explicitly cleared (null) in a partial update. */
  cleared: string[];
}

/**
 * Checks record input against the definition. `partial` (PATCH) allows missing required fields and `null` to clear
 * an optional one; a full write (POST) needs every required field. Throws UNKNOWN_FIELD, FIELD_REQUIRED or
 * VALIDATION_FAILED, each naming `path.<field>`.
 */
export function checkRecordValues(
  definitions: readonly FieldDefinition[],
  input: Record<string, unknown>,
  options: { partial: boolean; path: string },
): CheckedValues {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const result: CheckedValues = { plain: {}, sensitive: {}, cleared: [] };
  for (const [name, value] of Object.entries(input)) {
    const definition = byName.get(name);
    if (definition === undefined) throw unknownField(name, options.path);
    const at = `${options.path}.${name}`;
    if (value === null) {
      if (!options.partial) continue;
      if (definition.required)
        throw new AppError('FIELD_REQUIRED', { field: at, message: `${at} is required` });
      result.cleared.push(name);
      continue;
    }
    const normalized = normalizeFieldValue(definition.type, value, at);
    (definition.sensitive ? result.sensitive : result.plain)[name] = normalized;
  }
  if (!options.partial) {
    for (const definition of definitions) {
      const at = `${options.path}.${definition.name}`;
      const given = input[definition.name];
      if (definition.required && (given === undefined || given === null)) {
        throw new AppError('FIELD_REQUIRED', { field: at, message: `${at} is required` });
      }
    }
  }
  return result;
}

/** The field definition for `name`, or UNKNOWN_FIELD naming `parent.name`. */
export function fieldNamed(
  definitions: readonly FieldDefinition[],
  name: string,
  parent: string,
): FieldDefinition {
  const definition = definitions.find((d) => d.name === name);
  if (definition === undefined) throw unknownField(name, parent);
  return definition;
}

/**
 * UNKNOWN_FIELD for `name` under `parent`. A key is echoed only when it has the shape of a field name and passes
 * the shared `isSafeName` rule: a caller who puts a value where a name belongs (`{"123-45-6789": …}`, an API key)
 * must not see it in an error or a log.
 */
export function unknownField(name: string, parent: string): AppError {
  if (!FIELD_NAME.test(name) || !isSafeName(name)) return new AppError('UNKNOWN_FIELD', { field: parent });
  const at = `${parent}.${name}`;
  return new AppError('UNKNOWN_FIELD', { field: at, message: `${at} is not declared in the collection` });
}
