/**
 * Detokenizing: the value behind each token, for callers allowed to see it plain.
 * Invariants: the policy decides `detokenize` on the source field (with the stored record's facts) or on
 * `tokens/<type>` (with the token's creator as `created_by`); being a revealing action it needs a stated purpose.
 * Only rows the caller may use are opened, so an unknown token and someone else's token give the same per-token
 * TOKEN_NOT_FOUND (no existence oracle), and at the same cost: every token asked for, whether it has a row of a
 * stored field, a row of a value or none, reads a collection definition and a record (real, or on ids nothing has)
 * and is decided on a field and on a token type (real, or a decoy; only the decision that fits the row counts).
 * Definitions come from the node's cache, which remembers an id that names nothing as it remembers one that names a
 * collection (collection-cache.ts): both kinds of token read the database for it equally often (once per
 * CACHE_TTL_MS), never one side alone. Every token asked for is an audit event, written durably before any value is
 * returned.
 * Not addressed: a deterministic token held by several creators has a row each, and each row is checked; a token
 * nobody holds is checked once.
 */

import type { TokenRow } from '../../storage/index.js';
import type { AuditInput } from '../audit/index.js';
import { denialError } from '../authorizer.js';
import type { Collection } from '../collection-service.js';
import { auditBase, type Caller, factsOf } from '../records/index.js';
import {
  type DetokenizedValue,
  hashToken,
  MAX_ROWS_PER_TOKEN,
  type TokenServiceDeps,
  tokenResource,
  tokenSubject,
} from './token-model.js';
import type { TokenSealing } from './token-sealing.js';

function detokenizeEvent(caller: Caller, row: TokenRow | null): AuditInput {
  const base = { ...auditBase(caller), action: 'record.detokenize' as const };
  if (row === null) {
    // Unknown, or not the caller's to use: the same answer, and the same event.
    return { ...base, resource: {}, outcome: 'denied', reason: { code: 'TOKEN_NOT_FOUND' } };
  }
  const resource = tokenResource(row);
  // Detokenizing releases the value in plain (the policy allows nothing less).
  const release = Object.fromEntries((resource.fields ?? []).map((f) => [f, 'plain' as const]));
  return { ...base, resource, outcome: 'allowed', release, ...tokenSubject(row) };
}

/**
 * What the check of a token without a stored-field row (a value token, or no row at all) reads and decides on: ids
 * no collection or record has, and a field of a collection nothing has. Every check makes the same reads (a cached
 * collection definition, a record) and the same two decisions (on a field, on a token type), whatever the row.
 */
const NO_COLLECTION = '00000000-0000-4000-8000-000000000000';
const NO_RECORD = '00000000-0000-4000-8000-000000000001';
const NO_FIELD = 'value';
const NO_SOURCE: Collection = {
  id: NO_COLLECTION,
  name: 'no-collection',
  fields: [{ name: NO_FIELD, type: 'string', sensitive: true, searchable: false, required: false }],
  keyId: '',
  indexKeyId: '',
  createdAt: 0,
};
const NO_FACTS = { createdBy: null, subjectHash: null, plainFields: '{}' };
const NO_TYPE = 'string';

export function createDetokenize(
  deps: Pick<TokenServiceDeps, 'stores' | 'collections' | 'access' | 'audit'>,
  sealing: TokenSealing,
) {
  /**
   * Whether the policy lets `caller` act on `row` (null: a token nobody holds): on its source field, with the
   * stored record's facts, or on its type. Every row, and no row, goes through the same reads and decisions.
   */
  async function mayUse(caller: Caller, action: 'detokenize', row: TokenRow | null): Promise<boolean> {
    const source =
      row !== null && row.collectionId !== null && row.recordId !== null && row.field !== null
        ? { collectionId: row.collectionId, recordId: row.recordId, field: row.field }
        : null;
    const collection = await deps.collections.getById(source?.collectionId ?? NO_COLLECTION);
    const record = await deps.stores.records.find(
      collection?.id ?? NO_COLLECTION,
      source?.recordId ?? NO_RECORD,
    );
    const field = source === null || collection === null ? NO_FIELD : source.field;
    const onField = deps.access
      .fields(caller, action, collection ?? NO_SOURCE, factsOf(record ?? NO_FACTS), [field])
      .get(field);
    const onType = deps.access.token(caller, action, row?.type ?? NO_TYPE, row?.createdBy ?? null);
    if (source === null) return row !== null && onType.allow && onType.redaction === 'plain';
    return collection !== null && record !== null && onField?.allow === true && onField.redaction === 'plain';
  }

  /** The first row of `token` the caller may use and that still opens, or null. */
  async function lookUp(caller: Caller, token: string) {
    const rows = await deps.stores.tokens.find(hashToken(token), null, MAX_ROWS_PER_TOKEN);
    // A token nobody holds is checked as a row of someone else's would be, and refused.
    if (rows.length === 0) await mayUse(caller, 'detokenize', null);
    for (const row of rows) {
      if (!(await mayUse(caller, 'detokenize', row))) continue;
      const value = await sealing.open(deps.stores, row);
      if (value !== null) return { row, value };
    }
    return null;
  }

  /** The value behind each token, in order; TOKEN_NOT_FOUND for a token the caller has no readable row of. */
  return async function detokenize(caller: Caller, tokens: readonly string[]): Promise<DetokenizedValue[]> {
    // Detokenizing always reveals a sensitive value: without a purpose nothing could be returned anyway.
    if (caller.purpose === undefined) throw denialError('PURPOSE_REQUIRED');
    const results: DetokenizedValue[] = [];
    const events: AuditInput[] = [];
    // Each distinct token is looked up once, however often the request repeats it.
    const seen = new Map<string, DetokenizedValue>();
    for (const token of tokens) {
      let found = seen.get(token);
      if (found === undefined) {
        const hit = await lookUp(caller, token);
        found =
          hit === null
            ? { token, error: 'TOKEN_NOT_FOUND' }
            : { token, type: hit.row.type, value: hit.value };
        events.push(detokenizeEvent(caller, hit?.row ?? null));
        seen.set(token, found);
      }
      results.push(found);
    }
    // Written durably before any value is returned.
    await Promise.all(events.map((event) => deps.audit.record(event)));
    return results;
  };
}
