/**
 * Detokenizing: the value behind each token, for callers allowed to see it plain.
 * Invariants: the policy decides `detokenize` on the source field (with the stored record's facts) or on
 * `tokens/<type>` (with the token's creator as `created_by`); being a revealing action it needs a stated purpose.
 * Only rows the caller may use are opened, so an unknown token and someone else's token give the same per-token
 * TOKEN_NOT_FOUND (no existence oracle), and at the same cost: every token asked for reads a collection definition
 * and a record, real or on ids nothing has. Every token asked for is an audit event, written durably before any value
 * is returned.
 */

import type { TokenRow } from '../../storage/index.js';
import type { AuditInput } from '../audit/index.js';
import { denialError } from '../authorizer.js';
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

/** No collection or record has these ids: a token without a stored-field row reads them, so every token costs the
 * same reads (a collection definition, a record) as the check of someone else's stored-field token. */
const NO_COLLECTION = '00000000-0000-4000-8000-000000000000';
const NO_RECORD = '00000000-0000-4000-8000-000000000001';

export function createDetokenize(
  deps: Pick<TokenServiceDeps, 'stores' | 'collections' | 'access' | 'audit'>,
  sealing: TokenSealing,
) {
  /** The reads a stored-field token's check makes (its collection, its record), on ids nothing has. */
  async function readNothing(): Promise<void> {
    await deps.collections.getById(NO_COLLECTION);
    await deps.stores.records.find(NO_COLLECTION, NO_RECORD);
  }

  /** Whether the policy lets `caller` act on `row`: on its source field (with the record's facts) or its type. */
  async function mayUse(caller: Caller, action: 'detokenize', row: TokenRow): Promise<boolean> {
    if (row.collectionId === null || row.recordId === null || row.field === null) {
      await readNothing();
      const decision = deps.access.token(caller, action, row.type, row.createdBy);
      return decision.allow && decision.redaction === 'plain';
    }
    const collection = await deps.collections.getById(row.collectionId);
    const record = collection === null ? null : await deps.stores.records.find(collection.id, row.recordId);
    if (collection === null || record === null) return false;
    const decision = deps.access
      .fields(caller, action, collection, factsOf(record), [row.field])
      .get(row.field);
    return decision?.allow === true && decision.redaction === 'plain';
  }

  /** The first row of `token` the caller may use and that still opens, or null. */
  async function lookUp(caller: Caller, token: string) {
    const rows = await deps.stores.tokens.find(hashToken(token), null, MAX_ROWS_PER_TOKEN);
    // A token nobody holds costs what one held by someone else costs: the record read its policy check makes.
    if (rows.length === 0) await readNothing();
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
