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
  FIELD_TYPES,
  type FieldType,
  type FieldValue,
  isFieldType,
  normalizeFieldValue,
} from './field-types.js';
export { FULL_MASK, maskFieldValue } from './masking.js';
export * from './tokens/index.js';
