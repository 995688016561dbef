/**
 * Deleting a token: the rows of the token the policy lets the caller delete (`delete` on `tokens/<type>`, with
 * the row's creator as `created_by`). Invariants: none allowed answers TOKEN_NOT_FOUND whether rows exist or not,
 * in the same time (no existence oracle: both branches are audited alike, see hidden-existence.ts); the deletion
 * commits with one audit event per row, or not at all.
 */
import type { TokenRow } from '../../storage/index.js';
import { hiddenNotFound } from '../hidden-existence.js';
import { type Caller, inAuditedTransaction } from '../records/index.js';
import {
  hashToken,
  MAX_ROWS_PER_TOKEN,
  type TokenServiceDeps,
  tokenResource,
  tokenSubject,
} from './token-model.js';

export function createTokenDeletion(
  deps: Pick<TokenServiceDeps, 'transactor' | 'stores' | 'access' | 'audit'>,
) {
  return async function deleteToken(caller: Caller, token: string): Promise<void> {
    const rows = await deps.stores.tokens.find(hashToken(token), null, MAX_ROWS_PER_TOKEN);
    const allowed: TokenRow[] = [];
    for (const row of rows)
      if (deps.access.token(caller, 'delete', row.type, row.createdBy).allow) allowed.push(row);
    if (allowed.length === 0)
      throw hiddenNotFound('TOKEN_NOT_FOUND', rows.length > 0 ? 'refused' : 'missing');
    await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
      await stores.tokens.deleteRows(allowed.map((row) => row.id));
      return allowed.map((row) => ({
        ...caller.audit,
        action: 'token.delete' as const,
        resource: tokenResource(row),
        ...tokenSubject(row),
        outcome: 'allowed' as const,
      }));
    });
  };
}
