/**
 * The token for a normalized value: random, deterministic (HMAC, equal values of one type give equal tokens), or
 * format-preserving for cards (keeps length and last four digits). Deterministic tokens are computed on the
 * value's equality form (emails without case), so `Jane@X.com` and `jane@x.com` share one. Leaks, by design: deterministic and card tokens
 * reveal equality of values, card tokens the last four digits and length.
 */
import { AppError, isAppError } from '../../errors.js';
import type { TokenKind } from '../../storage/index.js';
import {
  deterministicToken,
  equalityForm,
  formatPreservingCardToken,
  randomToken,
} from '../../vault/index.js';
import type { TokenHmacKeys } from './token-keys.js';
import type { ResolvedValue } from './token-model.js';

/**
 * Types give each value one JS type, so `String(value)` is injective per type. TOKEN_INPUT_INVALID cannot follow
 * normalization (card_number accepts exactly what card tokens accept), but is mapped to the table anyway;
 * TOKEN_KEY_INVALID is a server fault and stays a 500.
 */
export function computeToken(
  kind: TokenKind,
  resolved: ResolvedValue,
  keys: TokenHmacKeys,
  path: string,
): string {
  try {
    if (kind === 'random') return randomToken();
    if (kind === 'deterministic') {
      // Equal values get equal tokens in the form they compare in (an email whatever its case).
      const value = equalityForm(resolved.type, resolved.value);
      return deterministicToken(keys.deterministic, resolved.type, String(value));
    }
    return formatPreservingCardToken(keys.card, String(resolved.value));
  } catch (error) {
    if (isAppError(error, 'TOKEN_INPUT_INVALID')) {
      throw new AppError('VALIDATION_FAILED', { field: path, message: `${path} cannot be tokenized` });
    }
    throw error;
  }
}
