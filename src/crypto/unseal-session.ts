/**
 * Unsealing a sealed keyring: operators submit their Shamir shares one at a time (from different places, over the
 * API); at the threshold the shares are combined, the result is checked against the keyring file, and only then is
 * the root key handed to the root-key holder.
 *
 * Invariants:
 * - a share is never logged, echoed or kept after a failure or a success; errors are fixed text;
 * - a share of another keyring (wrong key check value or threshold) or a mistyped one is refused on arrival, and
 *   the shares already given are kept;
 * - a failed combination (a forged or corrupted share, two different shares with one index) resets progress and
 *   says only UNSEAL_FAILED: never which share was bad (that would help a malicious holder tune a forgery);
 * - submissions run one at a time, so two shares arriving together cannot both complete (or skip) a combination;
 * - pending shares are forgotten `progressTtlMs` after the last accepted one, so they do not linger in memory.
 * Threats addressed: a wrong root key being accepted (the keyring check value is verified before `unseal`);
 * operator mistakes (typos, mixing keyrings). Not addressed: wiping shares from memory (JS strings cannot be
 * wiped); a share holder denying service by submitting garbage (callers limit attempts per client address).
 */

import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';
import type { RootKeyHolder } from './root-key.js';
import { isKeyringRootKey, type SealedKeyring } from './sealed-keyring.js';
import { combineShares } from './shamir.js';
import { parseShare } from './shamir-share.js';

export interface UnsealStatus {
  sealed: boolean;
  threshold: number;
  /** Distinct valid shares received so far in this attempt. */
  progress: number;
  /** Set by `submit` when the share had already been received in this attempt: it was not counted again. */
  duplicate?: true;
}

export interface UnsealSession {
  status(): UnsealStatus;
  /**
   * Adds one share; unseals at the threshold. A share already received answers the same progress with
   * `duplicate: true`. Throws UNSEAL_FAILED or ALREADY_UNSEALED (AppError).
   */
  submit(share: string): Promise<UnsealStatus>;
}

const DEFAULT_PROGRESS_TTL_MS = 15 * 60_000;

export function createUnsealSession(deps: {
  keyring: Pick<SealedKeyring, 'threshold' | 'shares' | 'shareCheck' | 'check' | 'createdAt'>;
  holder: Pick<RootKeyHolder, 'isSealed' | 'unseal'>;
  clock: () => number;
  progressTtlMs?: number;
}): UnsealSession {
  const ttl = deps.progressTtlMs ?? DEFAULT_PROGRESS_TTL_MS;
  const { threshold } = deps.keyring;
  const pending = new Map<number, string>();
  let lastAcceptedAt = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const status = (): UnsealStatus => {
    if (pending.size > 0 && deps.clock() - lastAcceptedAt >= ttl) pending.clear();
    return { sealed: deps.holder.isSealed(), threshold, progress: pending.size };
  };
  const refuse = (message: string) => new AppError('UNSEAL_FAILED', { message });
  const fail = () => {
    pending.clear();
    return new AppError('UNSEAL_FAILED');
  };

  async function accept(text: string): Promise<UnsealStatus> {
    if (!deps.holder.isSealed()) throw new AppError('ALREADY_UNSEALED');
    status();
    let parsed: ReturnType<typeof parseShare>;
    try {
      parsed = parseShare(text);
    } catch {
      throw refuse('The share is not a valid Strongroom share (mistyped?); unseal progress was kept');
    }
    if (parsed.threshold !== threshold || !timingSafeEqual(parsed.kcv, deps.keyring.shareCheck)) {
      throw refuse('The share does not belong to this keyring; unseal progress was kept');
    }
    const canonical = text.trim();
    const previous = pending.get(parsed.index);
    if (previous !== undefined) {
      // The same share twice is a harmless retry; a different share under the same index means one is wrong.
      if (previous === canonical) return { ...status(), duplicate: true };
      throw fail();
    }
    pending.set(parsed.index, canonical);
    lastAcceptedAt = deps.clock();
    if (pending.size < threshold) return status();

    const shares = [...pending.values()];
    pending.clear();
    let root: Buffer;
    try {
      root = await combineShares(shares);
    } catch {
      throw fail();
    }
    if (!isKeyringRootKey(deps.keyring, root)) {
      root.fill(0);
      throw fail();
    }
    // The holder keeps this buffer as the root key; listeners (keyrings that depend on it) run before it reports
    // itself unsealed, and a listener failure leaves it sealed.
    await deps.holder.unseal(root);
    return status();
  }

  return {
    status,
    submit(share) {
      const run = queue.then(() => accept(share));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
