/**
 * Tokenization: a stored sensitive field, or a value of a declared type, becomes a token other systems can hold
 * instead of the value; detokenization gives the value back to callers allowed to see it plain.
 * What it protects: the values behind tokens, and the knowledge of which tokens exist.
 * Invariants:
 * - Only the token's SHA-256 is stored. The value is sealed (AES-256-GCM, `encryptField`) under the source
 *   record's subject key when it has a subject (erasing the subject destroys the key and deletes the row), else
 *   under the vault-wide token key; the AAD binds it to collection `$tokens`, record = token row id, field = type,
 *   and the key id and version, so a sealed value cannot be moved to another row or relabelled.
 * - The policy decides: `tokenize` on the source field (with the record's facts) or on `tokens/<type>` for a free
 *   value; `detokenize` on the source field (with the record's facts) or on `tokens/<type>` (with the token's
 *   creator as `created_by`), which, being a revealing action, needs a stated purpose; `delete` on
 *   `tokens/<type>`. The field must be sensitive; format-preserving tokens are for `card_number` only.
 * - Detokenizing and deleting act only on rows the policy lets the caller use, so an unknown token and someone
 *   else's token give the same per-token TOKEN_NOT_FOUND: no existence oracle. Every detokenized token is an audit
 *   event written before the values are returned; every new token row commits with its audit event.
 * - A row whose subject was erased or whose source record is gone never yields a value, even if a concurrent
 *   tokenization wrote it after the erasure or deletion removed the others.
 * - One format-preserving token stands for one card: a card whose token collides with another card's is refused.
 * Leaks, by design: deterministic and card tokens reveal equality of values (and so frequencies), card tokens the
 * last four digits and length; anyone who may tokenize values can test a guess against a deterministic token.
 * Not addressed: a token is a snapshot (a later change to the record does not change the value behind it).
 */
import { createHash, randomUUID } from 'node:crypto';
import { decryptField, encryptField } from '../crypto/index.js';
import { AppError, isAppError } from '../errors.js';
import type { Stores, TokenKind, TokenRow, Transactor } from '../storage/index.js';
import {
  deterministicToken,
  type FieldType,
  type FieldValue,
  formatPreservingCardToken,
  normalizeFieldValue,
  randomToken,
} from '../vault/index.js';
import type { AuditInput, AuditTrail } from './audit/index.js';
import { denialError } from './authorizer.js';
import type { Collection, CollectionService } from './collection-service.js';
import type { KeyService } from './key-service.js';
import {
  type Caller,
  factsOf,
  inAuditedTransaction,
  type RecordAccess,
  type RecordCrypto,
} from './records/index.js';
import { holdSubject } from './subject-service.js';
import { TOKEN_KEY_ID, type TokenHmacKeys, type TokenKeys } from './token-keys.js';

/** The `collection` in the AAD of every sealed token value (not a valid collection name, so no clash). */
export const TOKEN_AAD_COLLECTION = '$tokens';

/** Rows of one token examined per lookup (a deterministic token has one per creator and source). */
const MAX_ROWS_PER_TOKEN = 50;

export interface TokenSource {
  collection: string;
  record: string;
  field: string;
}

export type TokenizeInput =
  | { kind: TokenKind; source: TokenSource }
  | { kind: TokenKind; type: FieldType; value: unknown };

export type DetokenizedValue =
  | { token: string; type: string; value: FieldValue }
  | { token: string; error: 'TOKEN_NOT_FOUND' };

interface Resolved {
  type: FieldType;
  value: FieldValue;
  origin: Pick<TokenRow, 'subjectHash' | 'collectionId' | 'recordId' | 'field'>;
  /** The subject's data key id, or null for the vault-wide token key. */
  keyId: string | null;
}

/** SHA-256 (hex) of a token: what the tokens table stores and looks tokens up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createTokenService(deps: {
  transactor: Transactor;
  stores: Stores;
  keys: KeyService;
  tokenKeys: TokenKeys;
  crypto: RecordCrypto;
  collections: Pick<CollectionService, 'get' | 'getById'>;
  access: RecordAccess;
  audit: AuditTrail;
  clock: () => number;
}) {
  const aad = (row: Pick<TokenRow, 'id' | 'type' | 'keyId' | 'keyVersion'>) => ({
    collection: TOKEN_AAD_COLLECTION,
    recordId: row.id,
    field: row.type,
    keyId: row.keyId,
    keyVersion: row.keyVersion,
  });

  function assertKindFits(kind: TokenKind, type: FieldType, path: string): void {
    if (kind === 'format_preserving' && type !== 'card_number') {
      throw new AppError('TOKEN_FORMAT_UNSUPPORTED', { field: path });
    }
  }

  /** The collection named by a source, COLLECTION_NOT_FOUND naming the body field otherwise. */
  async function sourceCollection(name: string): Promise<Collection> {
    try {
      return await deps.collections.get(name);
    } catch (error) {
      if (isAppError(error, 'COLLECTION_NOT_FOUND')) {
        throw new AppError('COLLECTION_NOT_FOUND', { field: 'body.source.collection' });
      }
      throw error;
    }
  }

  /** The stored field named by `source`, decrypted, once the caller is known to be allowed to see it plain. */
  async function readSource(
    stores: Stores,
    caller: Caller,
    collection: Collection,
    source: TokenSource,
    kind: TokenKind,
  ): Promise<Resolved> {
    const definition = collection.fields.find((f) => f.name === source.field);
    if (definition === undefined) throw new AppError('UNKNOWN_FIELD', { field: 'body.source.field' });
    if (!definition.sensitive) throw new AppError('FIELD_NOT_SENSITIVE', { field: 'body.source.field' });
    assertKindFits(kind, definition.type, 'body.source.field');
    const record = await stores.records.find(collection.id, source.record);
    if (record === null) throw new AppError('RECORD_NOT_FOUND', { field: 'body.source.record' });
    if (deps.access.hidden(caller, collection, factsOf(record))) {
      throw new AppError('RECORD_NOT_FOUND', { field: 'body.source.record', refusal: true });
    }
    if (record.erasedAt !== null) throw new AppError('SUBJECT_ERASED', { field: 'body.source.record' });
    await holdSubject(stores, record.subjectHash, 'body.source.record');
    const decision = deps.access
      .fields(caller, 'tokenize', collection, factsOf(record), [definition.name])
      .get(definition.name);
    if (decision === undefined || !decision.allow) throw denialError(decision?.reason ?? 'NO_MATCHING_RULE');
    // A token can be detokenized later: making one needs the right to see the value in plain.
    if (decision.redaction !== 'plain') {
      throw new AppError('FORBIDDEN', { message: 'You may tokenize only values you may see in plain' });
    }
    const sealed = (JSON.parse(record.sealedFields) as Record<string, string>)[definition.name];
    if (sealed === undefined) throw new AppError('FIELD_EMPTY', { field: 'body.source.field' });
    const at = {
      collectionId: collection.id,
      recordId: record.id,
      keyId: record.keyId,
      keyVersion: record.keyVersion,
    };
    const opened = await deps.crypto.open(stores.keys, at, { [definition.name]: sealed });
    const value = opened[definition.name];
    if (value === undefined) throw new Error('sealed field did not open');
    return {
      type: definition.type,
      value,
      origin: {
        subjectHash: record.subjectHash,
        collectionId: collection.id,
        recordId: record.id,
        field: definition.name,
      },
      keyId: record.subjectHash === null ? null : record.keyId,
    };
  }

  /** The value behind `row`, or null when its subject was erased or its source record is gone. */
  async function openRow(stores: Stores, row: TokenRow): Promise<FieldValue | null> {
    if (row.subjectHash !== null) {
      const subject = await stores.subjects.find(row.subjectHash);
      if (subject === null || subject.erasedAt !== null) return null;
    }
    if (row.recordId !== null && row.collectionId !== null) {
      const record = await stores.records.find(row.collectionId, row.recordId);
      if (record === null || record.erasedAt !== null) return null;
    }
    try {
      const key = await deps.keys.dataKey(stores.keys, { keyId: row.keyId, keyVersion: row.keyVersion });
      return JSON.parse(decryptField(key, row.sealedValue, aad(row))) as FieldValue;
    } catch (error) {
      if (isAppError(error, 'SUBJECT_ERASED')) return null;
      throw error;
    }
  }

  /**
   * The token for a normalized value. Types give each value one JS type, so `String(value)` is injective per type.
   * TOKEN_INPUT_INVALID cannot follow normalization (card_number accepts exactly what card tokens accept), but is
   * mapped to the table anyway; TOKEN_KEY_INVALID is a server fault and stays a 500.
   */
  function computeToken(kind: TokenKind, resolved: Resolved, keys: TokenHmacKeys, path: string): string {
    try {
      if (kind === 'random') return randomToken();
      if (kind === 'deterministic') {
        return deterministicToken(keys.deterministic, resolved.type, String(resolved.value));
      }
      return formatPreservingCardToken(keys.card, String(resolved.value));
    } catch (error) {
      if (isAppError(error, 'TOKEN_INPUT_INVALID')) {
        throw new AppError('VALIDATION_FAILED', { field: path, message: `${path} cannot be tokenized` });
      }
      throw error;
    }
  }

  return {
    /** Creates (or, for deterministic and card tokens, finds) the caller's token for a field or a value. */
    async tokenize(
      caller: Caller,
      input: TokenizeInput,
    ): Promise<{ token: string; kind: TokenKind; type: FieldType }> {
      let resolve: (stores: Stores) => Promise<Resolved>;
      if ('type' in input) {
        assertKindFits(input.kind, input.type, 'body.type');
        const value = normalizeFieldValue(input.type, input.value, 'body.value');
        const decision = deps.access.token(caller, 'tokenize', input.type, caller.actor.userId);
        if (!decision.allow) throw denialError(decision.reason);
        const origin = { subjectHash: null, collectionId: null, recordId: null, field: null };
        resolve = async () => ({ type: input.type, value, origin, keyId: null });
      } else {
        const { source } = input;
        const collection = await sourceCollection(source.collection);
        resolve = (stores) => readSource(stores, caller, collection, source, input.kind);
      }
      // Root-connection work first: SQLite has one connection, which the transaction below holds.
      await deps.tokenKeys.ensure();
      const hmacKeys = await deps.tokenKeys.hmac();
      let result: { token: string; kind: TokenKind; type: FieldType } | undefined;
      await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
        const resolved = await resolve(stores);
        const token = computeToken(
          input.kind,
          resolved,
          hmacKeys,
          'type' in input ? 'body.value' : 'body.source.field',
        );
        result = { token, kind: input.kind, type: resolved.type };
        const event: AuditInput = {
          ...caller.audit,
          ...(caller.purpose === undefined ? {} : { purpose: caller.purpose }),
          action: 'record.tokenize',
          resource:
            'type' in input
              ? { fields: [resolved.type] }
              : {
                  collection: input.source.collection,
                  recordId: input.source.record,
                  fields: [input.source.field],
                },
          outcome: 'allowed',
        };
        const origin = {
          tokenHash: hashToken(token),
          kind: input.kind,
          type: resolved.type,
          ...resolved.origin,
          createdBy: caller.actor.userId,
        };
        if (input.kind !== 'random') {
          if ((await stores.tokens.findSame(origin)) !== null) return [event];
          if (input.kind === 'format_preserving') {
            for (const row of await stores.tokens.find(origin.tokenHash, null, MAX_ROWS_PER_TOKEN)) {
              const other = await openRow(stores, row);
              if (other !== null && other !== resolved.value) throw new AppError('TOKEN_COLLISION');
            }
          }
        }
        const keyId = resolved.keyId ?? TOKEN_KEY_ID;
        const keyVersion =
          resolved.keyId === null
            ? await deps.tokenKeys.sealingVersion(stores.keys)
            : await deps.keys.currentVersion(stores.keys, keyId);
        const id = randomUUID();
        const key = await deps.keys.dataKey(stores.keys, { keyId, keyVersion });
        const sealedValue = encryptField(
          key,
          JSON.stringify(resolved.value),
          aad({ id, type: resolved.type, keyId, keyVersion }),
        );
        await stores.tokens.insert({
          ...origin,
          id,
          keyId,
          keyVersion,
          sealedValue,
          createdAt: deps.clock(),
        });
        return [event];
      });
      if (result === undefined) throw new Error('tokenization did not run');
      return result;
    },

    /** The value behind each token, in order; TOKEN_NOT_FOUND for a token the caller has no readable row of. */
    async detokenize(caller: Caller, tokens: readonly string[]): Promise<DetokenizedValue[]> {
      // Detokenizing always reveals a sensitive value: without a purpose nothing could be returned anyway.
      if (caller.purpose === undefined) throw denialError('PURPOSE_REQUIRED');
      const results: DetokenizedValue[] = [];
      const events: AuditInput[] = [];
      // Each distinct token is looked up once, however often the request repeats it.
      const seen = new Map<string, DetokenizedValue>();
      for (const token of tokens) {
        const known = seen.get(token);
        if (known !== undefined) {
          results.push(known);
          continue;
        }
        const rows = await deps.stores.tokens.find(hashToken(token), null, MAX_ROWS_PER_TOKEN);
        let found: DetokenizedValue = { token, error: 'TOKEN_NOT_FOUND' };
        for (const row of rows) {
          if (!(await mayUse(caller, 'detokenize', row))) continue;
          const value = await openRow(deps.stores, row);
          if (value !== null) {
            found = { token, type: row.type, value };
            events.push(detokenizeEvent(caller, row));
            break;
          }
        }
        if ('error' in found) events.push({ ...detokenizeEvent(caller, null), outcome: 'denied' });
        seen.set(token, found);
        results.push(found);
      }
      // Written durably before any value is returned.
      await Promise.all(events.map((event) => deps.audit.record(event)));
      return results;
    },

    /** Deletes the rows of `token` the caller may delete; TOKEN_NOT_FOUND when there were none. */
    async delete(caller: Caller, token: string): Promise<void> {
      const rows = await deps.stores.tokens.find(hashToken(token), null, MAX_ROWS_PER_TOKEN);
      const allowed: TokenRow[] = [];
      for (const row of rows)
        if (deps.access.token(caller, 'delete', row.type, row.createdBy).allow) allowed.push(row);
      if (allowed.length === 0) throw new AppError('TOKEN_NOT_FOUND', { refusal: rows.length > 0 });
      await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
        await stores.tokens.deleteRows(allowed.map((row) => row.id));
        return allowed.map((row) => ({
          ...caller.audit,
          action: 'token.delete' as const,
          resource:
            row.recordId === null || row.field === null
              ? { fields: [row.type] }
              : { recordId: row.recordId, fields: [row.field] },
          outcome: 'allowed' as const,
        }));
      });
    },
  };

  /** Whether the policy lets `caller` act on `row`: on its source field (with the record's facts) or its type. */
  async function mayUse(caller: Caller, action: 'detokenize', row: TokenRow): Promise<boolean> {
    if (row.collectionId === null || row.recordId === null || row.field === null) {
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

  function detokenizeEvent(caller: Caller, row: TokenRow | null): AuditInput {
    return {
      ...caller.audit,
      ...(caller.purpose === undefined ? {} : { purpose: caller.purpose }),
      action: 'record.detokenize',
      resource:
        row === null
          ? {}
          : row.recordId === null || row.field === null
            ? { fields: [row.type] }
            : { recordId: row.recordId, fields: [row.field] },
      outcome: 'allowed',
    };
  }
}

export type TokenService = ReturnType<typeof createTokenService>;
