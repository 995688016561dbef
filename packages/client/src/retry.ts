/**
 * Retries the answers with which the server says it did nothing and may succeed later: `503 SEALED` (the seal
 * gate answers before authentication or any handler), `503 SERVICE_BUSY` (the password-hash queue or the audit
 * queue was full; the request was not served), `503 DEPENDENCY_UNAVAILABLE` (the quota store did not answer, so
 * the request was not admitted) and `429 RATE_LIMITED` (the quota is counted before any work: "changes nothing").
 * Because the server did nothing, these are retried for every method, POST and PATCH included.
 *
 * Not retried: `429 TOO_MANY_ATTEMPTS` (a login throttle; repeating a wrong password is pointless and its wait
 * grows), `503 AUDIT_UNAVAILABLE` (storage trouble that outlasts any sensible wait; it sends no Retry-After) and
 * network errors (a request that may have reached the server is not replayed).
 *
 * Bounded twice: at most `attempts` sends, and no wait that would end beyond `budgetMs` after the first send; an
 * answer that cannot be retried within both is returned as it is.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Outgoing, Send } from './transport.js';

export interface RetryOptions {
  /** Sends at most, the first included (default 3; 1 turns retries off). */
  attempts?: number;
  /** Longest time from the first send to the last, waits included (default 10 000 ms). */
  budgetMs?: number;
}

const RETRYABLE: ReadonlyMap<number, ReadonlySet<string>> = new Map([
  [503, new Set(['SEALED', 'SERVICE_BUSY', 'DEPENDENCY_UNAVAILABLE'])],
  [429, new Set(['RATE_LIMITED'])],
]);

/** Used when a retryable answer has no usable Retry-After (SEALED sends none). */
const DEFAULT_WAIT_MS = 1000;

/** Retry-After in milliseconds: delta-seconds or an HTTP date; null when absent or not understood. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

async function retryableCode(response: Response): Promise<string | null> {
  const codes = RETRYABLE.get(response.status);
  if (codes === undefined) return null;
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    const code = body.error?.code;
    return typeof code === 'string' && codes.has(code) ? code : null;
  } catch {
    return null;
  }
}

/** Wraps `send` so retryable answers are sent again after their Retry-After, within the bounds. */
export function createRetryingSend(send: Send, options: RetryOptions = {}): Send {
  const attempts = options.attempts ?? 3;
  const budgetMs = options.budgetMs ?? 10_000;
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new RangeError('retry.attempts must be an integer ≥ 1');
  if (!Number.isFinite(budgetMs) || budgetMs < 0) throw new RangeError('retry.budgetMs must be ≥ 0');

  return async (outgoing: Outgoing) => {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const response = await send(outgoing);
      if (attempt >= attempts || (await retryableCode(response)) === null) return response;
      const waitMs = parseRetryAfter(response.headers.get('retry-after'), Date.now()) ?? DEFAULT_WAIT_MS;
      if (Date.now() + waitMs - started > budgetMs) return response;
      // The answer is dropped: release its connection before waiting.
      await response.body?.cancel();
      await sleep(waitMs, undefined, outgoing.signal ? { signal: outgoing.signal } : {});
    }
  };
}
