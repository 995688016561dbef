/**
 * Deleting a token: the rows of the token the policy lets the caller delete (`delete` on `tokens/<type>`, with
 * the row's creator as `created_by`). Invariants: none allowed answers TOKEN_NOT_FOUND whether rows exist or not
 * (no existence oracle); the deletion commits with one audit event per row, or not at all.
 */
import { AppError } from '../../errors.js';
import type { TokenRow } from '../../storage/index.js';
import { type Caller, inAuditedTransaction } from '../records/index.js';
import { hashToken, MAX_ROWS_PER_TOKEN, type TokenServiceDeps, tokenResource } from './token-model.js';

export function createTokenDeletion(
  deps: Pick<TokenServiceDeps, 'transactor' | 'stores' | 'access' | 'audit'>,
) {
  return async function deleteToken(caller: Caller, token: string): Promise<void> {
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
        resource: tokenResource(row),
        outcome: 'allowed' as const,
      }));
    });
  };
}
