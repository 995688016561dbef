/**
 * Whether the trail can be written: a failed write makes it unhealthy (readiness fails, one error logged) until a
 * later write or probe succeeds. Callers get AUDIT_UNAVAILABLE, never the storage error itself.
 */
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';

export function createTrailHealth(logger: Pick<Logger, 'error' | 'info'>) {
  let healthy = true;
  return {
    /** Marks the trail unhealthy and returns the error to answer with. */
    fail(error: unknown, what: string): AppError {
      if (healthy) logger.error({ err: error }, `audit trail unavailable: ${what} failed`);
      healthy = false;
      return new AppError('AUDIT_UNAVAILABLE', { cause: error });
    },
    succeed(): void {
      if (!healthy) logger.info('audit trail writable again');
      healthy = true;
    },
    isHealthy: () => healthy,
  };
}

export type TrailHealth = ReturnType<typeof createTrailHealth>;
