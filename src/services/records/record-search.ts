/**
 * Search by exact value: non-sensitive fields through their filter attributes, searchable sensitive fields
 * through their blind indexes (a candidate under every live index key version, so a search during an index
 * rotation finds records on either version).
 * Invariants: refusals that hold for every record (no purpose, an unknown purpose, an unconditional deny) answer
 * 403 before anything is looked up, conditional grants are applied in the query (record-visibility.ts) and
 * decided again on the rows it returns (record-filters.ts); blind
 * index matches are confirmed by decrypting, so a truncation collision never returns a wrong record.
 * Threats addressed: exact-match probing of values the caller may not see.
 */
import { AppError } from '../../errors.js';
import type { AttributeFilter, IndexFilter, RecordRow } from '../../storage/index.js';
import { type FieldDefinition, type FieldType, fieldNamed, normalizeFieldValue } from '../../vault/index.js';
import { denialError } from '../authorizer.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import { checkReveal, type ReadOptions, type RecordPage, type RecordReaderDeps } from './read-model.js';
import { indexedText } from './record-crypto.js';
import { mayMatch } from './record-filters.js';
import type { RecordPager } from './record-page.js';
import { openFieldsOf } from './stored-record.js';

export function createRecordSearch(deps: Omit<RecordReaderDeps, 'audit' | 'cursorKey'>, page: RecordPager) {
  const store = deps.stores.keys;

  /** Throws the denials of searching `names` that no record's facts could turn into a grant. */
  function assertMaySearch(caller: Caller, collection: Collection, names: string[]): void {
    for (const decision of deps.access.fields(caller, 'search', collection, undefined, names).values()) {
      if (!decision.allow && decision.reason !== 'NO_MATCHING_RULE') throw denialError(decision);
    }
  }

  /** The storage filters of `where`, and the canonical text each blind-indexed field must decrypt to. */
  async function filtersOf(
    collection: Collection,
    definitions: FieldDefinition[],
    where: Record<string, unknown>,
  ) {
    const attributes: AttributeFilter[] = [];
    const indexes: IndexFilter[] = [];
    const expected = new Map<string, { type: FieldType; text: string }>();
    const versions = (await deps.stores.keys.liveVersions(collection.indexKeyId)).map((k) => k.version);
    for (const definition of definitions) {
      const path = `where.${definition.name}`;
      const value = normalizeFieldValue(definition.type, where[definition.name], path);
      if (!definition.sensitive) {
        attributes.push({ field: definition.name, value: indexedText(definition.type, value) });
      } else if (!definition.searchable) {
        throw new AppError('FIELD_NOT_SEARCHABLE', { field: path });
      } else {
        const candidates = await deps.crypto.candidates(store, collection, versions, definition, value);
        indexes.push({ field: definition.name, candidates });
        expected.set(definition.name, { type: definition.type, text: indexedText(definition.type, value) });
      }
    }
    return { attributes, indexes, expected };
  }

  /** Truncated indexes can collide: true when the row's values really are the expected ones. */
  async function confirm(
    row: RecordRow,
    expected: Map<string, { type: FieldType; text: string }>,
  ): Promise<boolean> {
    if (expected.size === 0) return true;
    const values = await openFieldsOf(deps.crypto, store, row, new Set(expected.keys()));
    return [...expected].every(([name, { type, text }]) => {
      const value = values[name];
      return value !== undefined && indexedText(type, value) === text;
    });
  }

  return async function search(
    caller: Caller,
    collection: Collection,
    query: { where: Record<string, unknown>; cursor?: string; limit: number } & ReadOptions,
  ): Promise<RecordPage> {
    checkReveal(collection, query);
    const names = Object.keys(query.where);
    const definitions = names.map((name) => fieldNamed(collection.fields, name, 'where'));
    const sensitiveNames = definitions.filter((d) => d.sensitive).map((d) => d.name);
    const plainNames = definitions.filter((d) => !d.sensitive).map((d) => d.name);
    assertMaySearch(caller, collection, sensitiveNames);
    const { attributes, indexes, expected } = await filtersOf(collection, definitions, query.where);
    return page(caller, 'record.search', collection, query, {
      fetch: (after, size, visible, windowed) =>
        deps.stores.recordQueries.scan(collection.id, {
          after,
          size,
          attributes,
          indexes,
          visible,
          windowed,
        }),
      keep: async (row, facts) =>
        mayMatch(deps.access, caller, 'search', collection, facts, sensitiveNames) &&
        mayMatch(deps.access, caller, 'read', collection, facts, plainNames) &&
        (await confirm(row, expected)),
      uses: { read: plainNames, search: sensitiveNames },
      searched: names,
    });
  };
}
