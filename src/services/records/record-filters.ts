/**
 * Which records a filter or a search may match. Finding is object-level too: a record matches only if the caller
 * may read its filtered fields (above `redacted`: filtering by a value one may see only as `redacted` would reveal
 * it) and may `search` its searched sensitive fields, so exact-match probing cannot recover a value the caller
 * sees masked on records that are not theirs. Filters on sensitive fields, and on fields whose type is personal
 * data by definition (emails, phone numbers, SSNs, card numbers, IBANs, names, addresses) whether marked sensitive
 * or not, are refused: their values must travel in a body (search), never in a URL.
 */
import { AppError } from '../../errors.js';
import type { AttributeFilter } from '../../storage/index.js';
import { type FieldType, fieldNamed, normalizeFieldValue } from '../../vault/index.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import type { RecordAccess } from './record-access.js';
import { indexedText } from './record-crypto.js';
import type { RecordFacts } from './record-facts.js';

const PERSONAL_TYPES: ReadonlySet<FieldType> = new Set([
  'email',
  'phone',
  'ssn',
  'card_number',
  'iban',
  'name',
  'address',
]);

/** The attribute filter for `filter.<name>=<text>` of a list query. */
export function parseFilter(collection: Collection, name: string, text: string): AttributeFilter {
  const path = `filter.${name}`;
  const definition = fieldNamed(collection.fields, name, 'filter');
  // A personal-data type is kept out of URLs even when the collection did not mark it sensitive: search it instead.
  if (definition.sensitive || PERSONAL_TYPES.has(definition.type)) {
    throw new AppError('FIELD_NOT_FILTERABLE', { field: path });
  }
  let raw: unknown = text;
  if (definition.type === 'integer' && /^-?\d{1,16}$/.test(text)) raw = Number(text);
  if (definition.type === 'boolean' && (text === 'true' || text === 'false')) raw = text === 'true';
  return {
    field: name,
    value: indexedText(definition.type, normalizeFieldValue(definition.type, raw, path)),
  };
}

/** True when the policy lets `caller` use every field in `fields` of this record with `action`. */
export function mayMatch(
  access: Pick<RecordAccess, 'fields'>,
  caller: Caller,
  action: 'read' | 'search',
  collection: Collection,
  facts: RecordFacts,
  fields: string[],
): boolean {
  if (fields.length === 0) return true;
  return [...access.fields(caller, action, collection, facts, fields).values()].every(
    (d) => d.allow && (action === 'search' || d.redaction !== 'redacted'),
  );
}
