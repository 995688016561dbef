export {
  type CheckedValues,
  COLLECTION_NAME_PATTERN,
  checkFieldDefinitions,
  checkRecordValues,
  FIELD_NAME_PATTERN,
  type FieldDefinition,
  fieldNamed,
  MAX_FIELDS,
  RESERVED_FIELD_NAMES,
  unknownField,
} from './collection-schema.js';
export {
  equalityForm,
  FIELD_TYPES,
  FIELD_VALUE_MAX_LENGTH,
  type FieldType,
  type FieldValue,
  isFieldType,
  MAX_FIELD_VALUE_LENGTH,
  normalizeFieldValue,
} from './field-types.js';
export { FULL_MASK, maskFieldValue } from './masking.js';
export * from './tokens/index.js';
