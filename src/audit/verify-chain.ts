/**
 * Streaming verification of an audit hash chain, optionally anchored by signed checkpoints.
 * Invariants: events are consumed one at a time and never collected (memory is constant in the chain length);
 * the chain must start at seq 1 on GENESIS_HASH; every checkpoint must carry a valid signature before any event
 * is trusted; the verdict names the first problem in stream order.
 *
 * How problems are told apart (firstBadSeq is the lowest seq that is not intact in place):
 * - changed: an event's hash does not match its content, or a link breaks with seqs still consecutive (an event
 *   was rewritten and re-hashed: the suspect is the earlier event when the later one is itself linked onward).
 * - inserted: a seq already seen appears again (a forged or replayed event).
 * - deleted: seqs skip ahead, and the missing seqs never turn up later; firstBadSeq is the first missing seq.
 * - reordered: seqs skip ahead and a missing seq turns up later; firstBadSeq is the first seq out of place.
 * - truncated: the chain ends before the newest checkpoint's seq, or the event at a checkpointed seq does not
 *   carry the signed hash (history up to there was replaced); firstBadSeq is the first missing or that seq.
 * - bad_checkpoint: a checkpoint's signature does not verify, or two checkpoints disagree (firstBadSeq null).
 * - start (after retention pruning): the chain resumes after `start.seq` on `start.hash` instead of GENESIS_HASH;
 *   checkpoints below `start.seq` are ignored and one at `start.seq` must carry `start.hash`. The caller decides
 *   whether the start itself is trusted (e.g. it equals a signed checkpoint).
 * Threats not addressed: without a checkpoint past them, trailing events can be dropped or the whole chain
 * rebuilt by anyone with write access to the store.
 */

import type { KeyObject } from 'node:crypto';
import type { ChainedEvent } from './audit-event.js';
import { type Checkpoint, verifyCheckpoint } from './checkpoint.js';
import { GENESIS_HASH, isIntactEvent } from './hash-chain.js';

export type ChainProblem = 'changed' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'bad_checkpoint';

export type ChainVerdict =
  | { ok: true; count: number; headHash: string }
  | { ok: false; firstBadSeq: number | null; problem: ChainProblem };

export interface VerifyChainOptions {
  checkpoints?: readonly Checkpoint[];
  /** Required when `checkpoints` is non-empty. */
  publicKey?: KeyObject;
  /** Where a pruned chain resumes: the seq and hash of the last removed event. */
  start?: { seq: number; hash: string };
}

type Failure = Extract<ChainVerdict, { ok: false }>;

/** Verifies a chain of events streamed in seq order; reports the first tampering found. */
export async function verifyChain(
  events: Iterable<ChainedEvent> | AsyncIterable<ChainedEvent>,
  options: VerifyChainOptions = {},
): Promise<ChainVerdict> {
  const anchors = loadAnchors(options);
  if (anchors === null) return fail(null, 'bad_checkpoint');
  const startSeq = options.start?.seq ?? 0;
  const startHash = options.start?.hash ?? GENESIS_HASH;
  const atStart = anchors.hashes.get(startSeq);
  if (startSeq > 0 && atStart !== undefined && atStart !== startHash) return fail(startSeq, 'truncated');
  let lastSeq = startSeq;
  let lastHash = startHash;
  let count = 0;
  // A skip ahead in seq: a deletion, unless a missing seq turns up later (then a reordering).
  let gap: { from: number; to: number } | null = null;
  // A broken link between consecutive seqs: the next event decides between insertion and rewrite.
  let broken: ChainedEvent | null = null;
  let brokenAfter = 0;

  for await (const event of events) {
    if (broken !== null) return judgeBrokenLink(broken, brokenAfter, startSeq, event);
    if (!isIntactEvent(event)) {
      return gap ? fail(gap.from, 'deleted') : fail(readSeq(event) ?? lastSeq + 1, 'changed');
    }
    const { seq } = event;
    if (seq <= lastSeq) {
      if (gap === null) return fail(seq, 'inserted');
      return seq >= gap.from && seq <= gap.to ? fail(gap.from, 'reordered') : fail(gap.from, 'deleted');
    }
    if (seq > lastSeq + 1) {
      if (gap) return fail(gap.from, 'deleted');
      gap = { from: lastSeq + 1, to: seq - 1 };
    } else if (event.prevHash !== lastHash) {
      if (gap) return fail(gap.from, 'deleted');
      broken = event;
      brokenAfter = lastSeq;
    } else {
      const anchored = anchors.hashes.get(seq);
      if (anchored !== undefined && anchored !== event.hash) {
        return gap ? fail(gap.from, 'deleted') : fail(seq, 'truncated');
      }
    }
    lastSeq = seq;
    lastHash = event.hash;
    count++;
  }

  if (broken !== null) return fail(brokenAfter === startSeq ? broken.seq : brokenAfter, 'changed');
  if (gap !== null) return fail(gap.from, 'deleted');
  if (anchors.maxSeq > lastSeq) return fail(lastSeq + 1, 'truncated');
  return { ok: true, count, headHash: lastHash };
}

function judgeBrokenLink(
  broken: ChainedEvent,
  before: number,
  startSeq: number,
  next: ChainedEvent,
): Failure {
  if (readSeq(next) === broken.seq) return fail(broken.seq, 'inserted');
  // The later event still links onward from the odd one, so the odd one is genuine and its predecessor was
  // rewritten; otherwise the odd one itself is the rewrite.
  const linksOnward = isIntactEvent(next) && next.seq === broken.seq + 1 && next.prevHash === broken.hash;
  return fail(linksOnward && before > startSeq ? before : broken.seq, 'changed');
}

function loadAnchors(options: VerifyChainOptions): { hashes: Map<number, string>; maxSeq: number } | null {
  const hashes = new Map<number, string>();
  let maxSeq = 0;
  const checkpoints = options.checkpoints ?? [];
  if (checkpoints.length > 0 && options.publicKey === undefined) {
    throw new TypeError('verifyChain: checkpoints need a publicKey');
  }
  for (const checkpoint of checkpoints) {
    if (options.publicKey === undefined || !verifyCheckpoint(options.publicKey, checkpoint)) return null;
    const known = hashes.get(checkpoint.seq);
    if (known !== undefined && known !== checkpoint.hash) return null;
    hashes.set(checkpoint.seq, checkpoint.hash);
    maxSeq = Math.max(maxSeq, checkpoint.seq);
  }
  return { hashes, maxSeq };
}

function readSeq(event: unknown): number | null {
  const seq: unknown = typeof event === 'object' && event !== null ? (event as { seq?: unknown }).seq : null;
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 ? seq : null;
}

function fail(firstBadSeq: number | null, problem: ChainProblem): Failure {
  return { ok: false, firstBadSeq, problem };
}
