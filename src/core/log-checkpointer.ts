/**
 * After an erasure (or the conversion of clear subject ids) has committed, the SQLite write-ahead log must be
 * checkpointed and truncated so that no old page keeps an erased value. Another connection reading the log (a
 * backup tool, a reader) can keep one checkpoint from completing; the erasure has committed and stays answered,
 * so the checkpoint is retried in the background with backoff instead of being dropped after one warning.
 * Invariants: a failed attempt never fails the erasure; retries are bounded (MAX_ATTEMPTS) and never keep the
 * process alive (unref'd timers); only one retry chain runs at a time (a later erasure's checkpoint covers every
 * earlier one); the outcome is logged without any value. Threat: frames holding erased rows staying in `-wal`.
 */
import type { Logger } from '../log.js';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
const MAX_ATTEMPTS = 12;

export function createLogCheckpointer(deps: { checkpoint: () => Promise<boolean>; logger: Logger }) {
  let retrying = false;
  const attempt = async (): Promise<boolean> =>
    deps.checkpoint().catch((err: unknown) => {
      deps.logger.error({ err }, 'the database log could not be checkpointed');
      return false;
    });
  const retry = (attemptNo: number, delayMs: number) => {
    const timer = setTimeout(async () => {
      if (await attempt()) {
        retrying = false;
        deps.logger.info({ attempts: attemptNo }, 'the database log was checkpointed after an erasure');
      } else if (attemptNo >= MAX_ATTEMPTS) {
        retrying = false;
        deps.logger.error(
          { attempts: attemptNo },
          'the database log still holds pages from before an erasure: stop the connection that reads it and ' +
            'restart, or run `PRAGMA wal_checkpoint(TRUNCATE)`',
        );
      } else retry(attemptNo + 1, Math.min(delayMs * 2, MAX_RETRY_MS));
    }, delayMs);
    timer.unref();
  };
  return async function checkpointLog(): Promise<void> {
    if (await attempt()) return;
    deps.logger.warn('the database log could not be checkpointed (another connection reads it): retrying');
    if (retrying) return;
    retrying = true;
    retry(2, FIRST_RETRY_MS);
  };
}
