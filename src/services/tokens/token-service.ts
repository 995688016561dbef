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

import { createTokenDeletion } from './delete-token.js';
import { createDetokenize } from './detokenize.js';
import type { TokenServiceDeps } from './token-model.js';
import { createTokenSealing } from './token-sealing.js';
import { createTokenSource } from './token-source.js';
import { createTokenize } from './tokenize.js';

export function createTokenService(deps: TokenServiceDeps) {
  const sealing = createTokenSealing(deps);
  return {
    tokenize: createTokenize(deps, sealing, createTokenSource(deps)),
    detokenize: createDetokenize(deps, sealing),
    delete: createTokenDeletion(deps),
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
