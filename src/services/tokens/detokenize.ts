/**
 * Detokenizing: the value behind each token, for callers allowed to see it plain.
 * Invariants: the policy decides `detokenize` on the source field (with the stored record's facts) or on
 * `tokens/<type>` (with the token's creator as `created_by`); being a revealing action it needs a stated purpose.
 * Only rows the caller may use are opened, so an unknown token and someone else's token give the same per-token
 * TOKEN_NOT_FOUND (no existence oracle), and at the same cost: a token makes the reads of one stored-field check (a
 * collection definition and a record: its stored-field row's, or, for a token with only value rows or none, ids
 * nothing has, once per token), and each row, or a token nobody holds, is decided on a field and on a token type
 * (real, or a decoy; only the decision that fits the row counts). Definitions come from the node's cache, which
 * remembers an id that names nothing as it remembers one that names a collection (collection-cache.ts): both kinds
 * of token read the database for it equally often (once per CACHE_TTL_MS), never one side alone. Every token asked
 * for is an audit event, written durably before any value is returned.
 * Not addressed: a token with several stored-field rows (a deterministic token of one value in several records)
 * reads each row's record; value rows cost a policy decision each (microseconds), no read.
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
 * What a token without a stored-field row (only value rows, or no row at all) reads and decides on: ids no
 * collection or record has, once per token, and a field of a collection nothing has.
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

type StoredField = { collectionId: string; recordId: string; field: string };

function storedFieldOf(row: TokenRow): StoredField | null {
  return row.collectionId !== null && row.recordId !== null && row.field !== null
    ? { collectionId: row.collectionId, recordId: row.recordId, field: row.field }
    : null;
}

export function createDetokenize(
  deps: Pick<TokenServiceDeps, 'stores' | 'collections' | 'access' | 'audit'>,
  sealing: TokenSealing,
) {
  /** The collection and record behind a stored field (or, for null, the reads of one on ids nothing has). */
  async function readSource(source: StoredField | null) {
    const collection = await deps.collections.getById(source?.collectionId ?? NO_COLLECTION);
    const record = await deps.stores.records.find(
      collection?.id ?? NO_COLLECTION,
      source?.recordId ?? NO_RECORD,
    );
    return collection === null || record === null ? null : { collection, record };
  }

  /**
   * Whether the policy lets `caller` act on `row` (null: a token nobody holds): on its source field, with the
   * stored record's facts, or on its type. Both decisions are taken for every row, and for no row, on a decoy
   * where the row has nothing to decide on; only a stored-field row reads anything here (see lookUp).
   */
  async function mayUse(caller: Caller, action: 'detokenize', row: TokenRow | null): Promise<boolean> {
    const source = row === null ? null : storedFieldOf(row);
    const found = source === null ? null : await readSource(source);
    const field = found === null || source === null ? NO_FIELD : source.field;
    const onField = deps.access
      .fields(caller, action, found?.collection ?? NO_SOURCE, factsOf(found?.record ?? NO_FACTS), [field])
      .get(field);
    const onType = deps.access.token(caller, action, row?.type ?? NO_TYPE, row?.createdBy ?? null);
    if (source === null) return row !== null && onType.allow && onType.redaction === 'plain';
    return found !== null && onField?.allow === true && onField.redaction === 'plain';
  }

  /** The first row of `token` the caller may use and that still opens, or null. */
  async function lookUp(caller: Caller, token: string) {
    const rows = await deps.stores.tokens.find(hashToken(token), null, MAX_ROWS_PER_TOKEN);
    // A token without a stored-field row makes the reads of one stored-field check, once whatever its value rows
    // (so how many others hold a value does not show either); a token nobody holds is decided as a row would be.
    if (!rows.some((row) => storedFieldOf(row) !== null)) await readSource(null);
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
