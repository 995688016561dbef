/**
 * Why a refused request was refused, as its audit event records it: the reason the service attached (a policy
 * denial with its rule and policy version, see services/authorizer.ts `denialError`), else the error's own stable
 * code (`RATE_LIMITED`, `TOO_MANY_ATTEMPTS`, `PURPOSE_UNKNOWN`, `RECORD_NOT_FOUND` for an answer that hides
 * existence, …). Codes and positions only, never a value.
 */
import type { AppError } from '../errors.js';
import type { AuditInput } from '../services/audit/index.js';

/** The audit reason of `error`. */
export function refusalReason(error: Pick<AppError, 'code' | 'reason'>): NonNullable<AuditInput['reason']> {
  return error.reason ?? { code: error.code };
}
