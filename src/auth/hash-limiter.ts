/**
 * Bounds password hashing: at most `concurrency` hashes run at once (cores + 1 by default: one per core leaves
 * a core idle while the event loop hands the next job over; many more only queue inside libuv), and at most `maxQueued` wait. Beyond that a request is refused at once with
 * 503 SERVICE_BUSY and Retry-After instead of waiting behind a backlog it would time out in.
 * Why it matters: argon2 runs on the libuv thread pool, which WebCrypto (token signing and verification), file
 * and DNS work share. Keeping hashing below the pool size leaves threads free for them, so a login flood cannot
 * stall token checks for everyone else. Refusals are decided before any hashing and do not depend on the account,
 * so they reveal nothing about which accounts exist.
 */
import pLimit from 'p-limit';
import { AppError } from '../errors.js';
import type { PasswordHasher } from './password-hash.js';

/** A hasher under the limit, with its load for the metrics (hashes running and waiting). */
export interface LimitedHasher extends PasswordHasher {
  running(): number;
  queued(): number;
}

export function limitHashing(
  hasher: PasswordHasher,
  options: { concurrency: number; maxQueued: number },
): LimitedHasher {
  const limit = pLimit(options.concurrency);
  const run = <T>(work: () => Promise<T>): Promise<T> => {
    if (limit.activeCount >= options.concurrency && limit.pendingCount >= options.maxQueued) {
      return Promise.reject(new AppError('SERVICE_BUSY', { retryAfter: 1 }));
    }
    return limit(work);
  };
  return {
    params: hasher.params,
    hash: (password) => run(() => hasher.hash(password)),
    verify: (stored, password) => run(() => hasher.verify(stored, password)),
    verifyDummy: (password) => run(() => hasher.verifyDummy(password)),
    running: () => limit.activeCount,
    queued: () => limit.pendingCount,
  };
}
