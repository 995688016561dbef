/**
 * The password strength score (zxcvbn, 10–120 ms of synchronous work) off the event loop, in one worker thread.
 * Protects: every other request from a caller who sends passwords that fail the policy (a stalled event loop was
 * measured at +130 ms on `/healthz` p90 with three connections).
 * Invariants:
 * - one worker, started at the first check (never at import or startup) and stopped by `close()`, the core's stop;
 *   unref'd, so a forgotten close cannot keep the process alive;
 * - one check at a time (the worker is one thread); at most `maxQueued` wait, beyond which a check is refused at once
 *   with 503 SERVICE_BUSY and Retry-After, decided before any work, as the hash limiter does;
 * - a check that runs past `budgetMs` (timed from when the worker gets it, not from when it was queued) is a refusal,
 *   PASSWORD_CHECK_TIMEOUT, never an acceptance of a password nobody scored; the worker is terminated (zxcvbn cannot
 *   be interrupted) and the next check starts a fresh one. A worker that crashes is replaced the same way;
 * - passwords reach the worker in a message between threads of this process and never come back; errors carry
 *   codes, never a password.
 * The worker file is plain JavaScript (password-strength-worker.js) beside this one, so the same relative URL
 * resolves under vitest (src/auth/*.js) and in a build (dist/src/auth/*.js, emitted by tsc with allowJs).
 * Not addressed: the CPU the worker uses, bounded by the one thread, the queue and the per-user throttle of failed
 * checks (password-check-throttle.ts).
 */
import { Worker } from 'node:worker_threads';
import pLimit from 'p-limit';
import { AppError } from '../errors.js';

/** The zxcvbn score (0 to 4) of a normalised password, with `userInputs` weighed as likely words. */
export type StrengthScore = (password: string, userInputs: readonly string[]) => Promise<number>;

/** The longest one check may run: ~15× the slowest the review measured (120 ms), ~60× the slowest seen here. */
export const STRENGTH_CHECK_BUDGET_MS = 2000;
/** Checks that may wait for the worker: at ~100 ms each, a few seconds' worth. */
export const STRENGTH_QUEUE_LIMIT = 32;

const WORKER_URL = new URL('./password-strength-worker.js', import.meta.url);

export interface StrengthWorkerOptions {
  budgetMs?: number;
  maxQueued?: number;
  /** Another worker script answering the same messages (tests). */
  workerUrl?: URL;
}

/** The next message of `worker`; rejects when it fails or exits first. */
function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      done();
      resolve(message);
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`the password strength worker exited (code ${code})`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

function scoreOf(message: unknown): number {
  const score = (message as { score?: unknown } | null)?.score;
  if (typeof score !== 'number' || !Number.isInteger(score)) {
    throw new Error('the password strength worker answered something else than a score');
  }
  return score;
}

export function createStrengthWorker(options: StrengthWorkerOptions = {}) {
  const budgetMs = options.budgetMs ?? STRENGTH_CHECK_BUDGET_MS;
  const maxQueued = options.maxQueued ?? STRENGTH_QUEUE_LIMIT;
  if (!Number.isSafeInteger(budgetMs) || budgetMs < 1) {
    throw new AppError('CONFIG_OUT_OF_RANGE', {
      field: 'budgetMs',
      message: 'budgetMs must be a positive integer',
    });
  }
  if (!Number.isSafeInteger(maxQueued) || maxQueued < 0) {
    throw new AppError('CONFIG_OUT_OF_RANGE', {
      field: 'maxQueued',
      message: 'maxQueued must be a non-negative integer',
    });
  }
  const limit = pLimit(1);
  let live: { worker: Worker; ready: Promise<void> } | null = null;
  let closed = false;

  function spawn(): { worker: Worker; ready: Promise<void> } {
    const worker = new Worker(options.workerUrl ?? WORKER_URL);
    worker.unref();
    const entry = {
      worker,
      ready: nextMessage(worker).then((message) => {
        if (message !== 'ready') throw new Error('the password strength worker did not start');
      }),
    };
    const forget = () => {
      if (live === entry) live = null;
    };
    // Also between checks, when nobody else listens: an error there must not become an uncaught exception.
    worker.on('error', forget);
    worker.on('exit', forget);
    entry.ready.catch(() => {
      forget();
      void worker.terminate();
    });
    return entry;
  }

  async function check(worker: Worker, password: string, userInputs: readonly string[]): Promise<number> {
    const answer = nextMessage(worker);
    worker.postMessage({ password, userInputs: [...userInputs] });
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError('PASSWORD_CHECK_TIMEOUT')), budgetMs);
    });
    try {
      return scoreOf(await Promise.race([answer, overrun]));
    } catch (error) {
      // Overrun or crashed: this worker may still be busy, so the next check gets a fresh one.
      if (live?.worker === worker) live = null;
      void worker.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async function run(password: string, userInputs: readonly string[]): Promise<number> {
    if (closed) throw new AppError('SERVICE_BUSY', { retryAfter: 1 });
    live ??= spawn();
    const { worker, ready } = live;
    // Held while a check is in flight (a caller awaits it), let go between checks.
    worker.ref();
    try {
      await ready;
      return await check(worker, password, userInputs);
    } finally {
      worker.unref();
    }
  }

  const score: StrengthScore = (password, userInputs) => {
    if (closed || (limit.activeCount > 0 && limit.pendingCount >= maxQueued)) {
      return Promise.reject(new AppError('SERVICE_BUSY', { retryAfter: 1 }));
    }
    return limit(() => run(password, userInputs));
  };

  return {
    score,
    /** Checks running or waiting (for tests and metrics). */
    pending: () => limit.activeCount + limit.pendingCount,
    /** Stops the worker; later checks are refused with SERVICE_BUSY. */
    async close(): Promise<void> {
      closed = true;
      const last = live;
      live = null;
      await last?.worker.terminate();
    },
  };
}

export type StrengthWorker = ReturnType<typeof createStrengthWorker>;
