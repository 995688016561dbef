/**
 * Tokenizing: creates (or, for deterministic and card tokens, finds) the caller's token for a field or a value.
 * Invariants: every new token row commits with its audit event, in the transaction that read the source (so an
 * erasure or deletion either waits for it or is seen by it), and a token of a record's field is stored while holding
 * off a drop of its collection (whose transaction deletes the collection's tokens: tokens have no foreign key); a deterministic or card token the caller already
 * holds for the same source is reused, not stored twice; one format-preserving token stands for one card: a card
 * whose token collides with another card's is refused (TOKEN_COLLISION).
 */
import { AppError } from '../../errors.js';
import type { Stores, TokenKind } from '../../storage/index.js';
import type { FieldType } from '../../vault/index.js';
import { allowedEvent, type Caller, inAuditedTransaction } from '../records/index.js';
import { computeToken } from './compute-token.js';
import {
  hashToken,
  MAX_ROWS_PER_TOKEN,
  type ResolvedValue,
  type TokenizeInput,
  type TokenServiceDeps,
  tokenSubject,
} from './token-model.js';
import type { TokenSealing } from './token-sealing.js';
import type { TokenSourceResolver } from './token-source.js';

type Tokenized = { token: string; kind: TokenKind; type: FieldType };

export function createTokenize(
  deps: TokenServiceDeps,
  sealing: TokenSealing,
  resolverFor: TokenSourceResolver,
) {
  /** Stores the row of `token` unless the caller already has an interchangeable one. */
  async function storeToken(
    stores: Stores,
    caller: Caller,
    kind: TokenKind,
    resolved: ResolvedValue,
    token: string,
  ): Promise<void> {
    const origin = {
      tokenHash: hashToken(token),
      kind,
      type: resolved.type,
      ...resolved.origin,
      createdBy: caller.actor.userId,
    };
    if (kind !== 'random') {
      if ((await stores.tokens.findSame(origin)) !== null) return;
      if (kind === 'format_preserving') {
        for (const row of await stores.tokens.find(origin.tokenHash, null, MAX_ROWS_PER_TOKEN)) {
          const other = await sealing.open(stores, row);
          if (other !== null && other !== resolved.value) throw new AppError('TOKEN_COLLISION');
        }
      }
    }
    const sealed = await sealing.seal(stores, resolved);
    await stores.tokens.insert({ ...origin, ...sealed, createdAt: deps.clock() });
  }

  return async function tokenize(caller: Caller, input: TokenizeInput): Promise<Tokenized> {
    const resolve = await resolverFor(caller, input);
    // Root-connection work first: SQLite has one connection, which the transaction below holds.
    await deps.tokenKeys.ensure();
    const hmacKeys = await deps.tokenKeys.hmac();
    let result: Tokenized | undefined;
    await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
      // A drop of the source's collection deletes its tokens: it must wait for this one (see holdAgainstChanges).
      if ('source' in input) await stores.collections.holdAgainstChanges();
      const resolved = await resolve(stores);
      const path = 'type' in input ? 'value' : 'source.field';
      const token = computeToken(input.kind, resolved, hmacKeys, path);
      result = { token, kind: input.kind, type: resolved.type };
      const event = {
        ...tokenSubject(resolved.origin),
        ...allowedEvent(
          caller,
          'record.tokenize',
          'type' in input
            ? { fields: [resolved.type] }
            : {
                collection: input.source.collection,
                recordId: input.source.record,
                fields: [input.source.field],
              },
        ),
      };
      await storeToken(stores, caller, input.kind, resolved, token);
      return [event];
    });
    if (result === undefined) throw new Error('tokenization did not run');
    return result;
  };
}
