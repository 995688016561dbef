/**
 * What a tokenization is about: a free value of a declared type, or a stored sensitive field.
 * Invariants: the policy decides `tokenize` on `tokens/<type>` for a free value, or on the source field with the
 * stored record's facts; a token can be detokenized later, so making one from a field needs the right to see it in
 * plain; the field must be sensitive; format-preserving tokens are for `card_number` only; a hidden source record
 * answers as a missing one, an erased one SUBJECT_ERASED, and its subject is held until the token row commits.
 */
import { AppError, isAppError } from '../../errors.js';
import type { Stores, TokenKind } from '../../storage/index.js';
import { type FieldType, normalizeFieldValue } from '../../vault/index.js';
import { denialError } from '../authorizer.js';
import type { Collection } from '../collection-service.js';
import {
  assertCollectionLive,
  type Caller,
  findVisibleRecord,
  locationOf,
  sealedFieldsOf,
} from '../records/index.js';
import { holdSubject } from '../subject-service.js';
import type { ResolvedValue, TokenizeInput, TokenServiceDeps, TokenSource } from './token-model.js';

export function assertKindFits(kind: TokenKind, type: FieldType, path: string): void {
  if (kind === 'format_preserving' && type !== 'card_number') {
    throw new AppError('TOKEN_FORMAT_UNSUPPORTED', { field: path });
  }
}

export function createTokenSource(deps: Pick<TokenServiceDeps, 'collections' | 'access' | 'crypto'>) {
  /** The collection named by a source, COLLECTION_NOT_FOUND naming the body field otherwise. */
  async function sourceCollection(name: string): Promise<Collection> {
    try {
      return await deps.collections.get(name);
    } catch (error) {
      if (isAppError(error, 'COLLECTION_NOT_FOUND')) {
        throw new AppError('COLLECTION_NOT_FOUND', { field: 'source.collection' });
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
  ): Promise<ResolvedValue> {
    // Under the transaction's hold on collection changes (tokenize.ts): another node may have dropped it.
    await assertCollectionLive(stores.collections, collection, { field: 'source.collection' });
    const definition = collection.fields.find((f) => f.name === source.field);
    if (definition === undefined) throw new AppError('UNKNOWN_FIELD', { field: 'source.field' });
    if (!definition.sensitive) throw new AppError('FIELD_NOT_SENSITIVE', { field: 'source.field' });
    assertKindFits(kind, definition.type, 'source.field');
    const { row: record, facts } = await findVisibleRecord(
      stores.records,
      deps.access,
      caller,
      collection,
      source.record,
      { field: 'source.record' },
    );
    await holdSubject(stores, record.subjectHash, 'source.record');
    const decision = deps.access
      .fields(caller, 'tokenize', collection, facts, [definition.name])
      .get(definition.name);
    if (decision === undefined || !decision.allow) throw denialError(decision ?? 'NO_MATCHING_RULE');
    if (decision.redaction !== 'plain') {
      throw new AppError('FORBIDDEN', { message: 'You may tokenize only values you may see in plain' });
    }
    const sealed = sealedFieldsOf(record)[definition.name];
    if (sealed === undefined) throw new AppError('FIELD_EMPTY', { field: 'source.field' });
    const opened = await deps.crypto.open(stores.keys, locationOf(record), { [definition.name]: sealed });
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

  /**
   * Checks what can be checked before the transaction (a free value is decided at once) and returns how to read
   * the value inside it.
   */
  return async function resolverFor(
    caller: Caller,
    input: TokenizeInput,
  ): Promise<(stores: Stores) => Promise<ResolvedValue>> {
    if ('type' in input) {
      assertKindFits(input.kind, input.type, 'type');
      const value = normalizeFieldValue(input.type, input.value, 'value');
      const decision = deps.access.token(caller, 'tokenize', input.type, caller.actor.userId);
      if (!decision.allow) throw denialError(decision);
      const origin = { subjectHash: null, collectionId: null, recordId: null, field: null };
      return async () => ({ type: input.type, value, origin, keyId: null });
    }
    const { source } = input;
    const collection = await sourceCollection(source.collection);
    return (stores) => readSource(stores, caller, collection, source, input.kind);
  };
}

export type TokenSourceResolver = ReturnType<typeof createTokenSource>;
