export {
  FIELD_TYPES,
  type FieldType,
  type FieldValue,
  isFieldType,
  normalizeFieldValue,
} from './field-types.js';
export { FULL_MASK, maskFieldValue } from './masking.js';
export * from './tokens/index.js';
