/**
 * Every call of the client ends within its time limit: `timeoutMs` (default 30 s; per call `{ timeoutMs }` on the
 * typed methods). Its sends, the waits between retries (retry.ts) and a token refresh it waits for
 * (authorized-send.ts) all count against that one limit; a call that reaches it is aborted on the wire and fails
 * with `StrongroomError` `REQUEST_TIMEOUT` (status 0, the client's own code). A `signal` the caller passes still
 * aborts the call with its own reason, as before.
 *
 * Why: without a limit, a server or network that stops answering mid-call would hold the caller for as long as the
 * TCP stack keeps the connection, and a retry loop could add its waits on top.
 */
import { StrongroomError } from './errors.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Throws RangeError unless `value` is a whole number of milliseconds the timers can hold. */
export function checkTimeout(value: unknown, name: string): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_TIMEOUT_MS) {
    throw new RangeError(`${name} must be an integer number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return value as number;
}

export function timeoutError(timeoutMs: number): StrongroomError {
  return new StrongroomError({
    code: 'REQUEST_TIMEOUT',
    status: 0,
    message: `The call did not complete within ${timeoutMs} ms`,
  });
}

/**
 * Runs `call` with a signal that aborts after `timeoutMs` (or when `callerSignal` does); a call the limit cut
 * short throws REQUEST_TIMEOUT, whatever undici or the retry wait threw when aborted.
 */
export async function withTimeout<T>(
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal === undefined ? timer : AbortSignal.any([callerSignal, timer]);
  try {
    return await call(signal);
  } catch (error) {
    if (timer.aborted && callerSignal?.aborted !== true) throw timeoutError(timeoutMs);
    throw error;
  }
}

/** `work`'s outcome, or the signal's reason once it aborts first (the work goes on for whoever else awaits it). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
