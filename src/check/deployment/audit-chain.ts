/**
 * Verifies a server's audit chain from outside, over its API (GET /v1/audit/checkpoints and /v1/audit/events),
 * incrementally: from the last checkpoint this client verified before (kept by the CLI), or from the pruning anchor,
 * or from the start. Invariants: every checkpoint's signature is verified before any event is trusted; the mark
 * this client verified before must still be signed with the same hash (a server that rewrote history cannot hide
 * it by re-signing); the checkpoint signing key the mark was verified with (kid and Ed25519 `x`) is pinned in it,
 * and checkpoints at or after the mark signed by another key stop the run ('signing_key_changed', the mark not
 * advanced): the server has no signed or announced rotation of the checkpoint key (only one key exists until
 * rotation is built, src/services/audit/checkpoint-signer.ts), so a new key is told apart from a key row added with
 * database write access (without the root key) only out of band; events are streamed one at a time (memory flat
 * in the chain's length).
 * Threats not addressed: a server that has always lied to this client (verify once from a checkpoint export kept
 * off the host, `strongroom audit verify --checkpoints`).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  type ChainProblem,
  type Checkpoint,
  fromWireEvent,
  GENESIS_HASH,
  verifyChain,
  type WireEvent,
} from '../../audit/index.js';

export interface CheckpointExport {
  keys: ReadonlyArray<{ kty: string; crv: string; x: string; kid: string }>;
  checkpoints: readonly Checkpoint[];
  anchor: { seq: number; hash: string };
}

export interface AuditChainSource {
  /** Every signed checkpoint, the keys that sign them and the pruning anchor (all pages). */
  readonly checkpoints: () => Promise<CheckpointExport>;
  /** Events after `afterSeq` in seq order, to the head. */
  readonly events: (afterSeq: number) => AsyncIterable<WireEvent>;
}

/** The checkpoint signing key a run verified with: its kid (RFC 7638 thumbprint) and Ed25519 public key `x`. */
export interface SigningKeyPin {
  readonly kid: string;
  readonly x: string;
}

/** A checkpoint this client verified the chain up to, and the key that signed it (absent in older marks). */
export interface VerifiedMark {
  readonly seq: number;
  readonly hash: string;
  readonly key?: SigningKeyPin;
}

export type AuditChainOutcome =
  | { ok: true; from: number; verified: number; mark: VerifiedMark | null; checkpoints: number }
  | {
      ok: false;
      problem: ChainProblem | 'unanchored' | 'mark_rewritten' | 'signing_key_changed';
      firstBadSeq: number | null;
    };

export interface VerifyOptions {
  readonly last: VerifiedMark | null;
  /** The head seq the server reported, for progress. */
  readonly headSeq: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** The one key every checkpoint names (undefined: no checkpoint; null: several keys, or not an Ed25519 key). */
function signingKeyOf(
  exported: CheckpointExport,
): { publicKey: KeyObject; pin: SigningKeyPin } | undefined | null {
  const kids = new Set(exported.checkpoints.map((c) => c.kid));
  if (kids.size > 1) return null;
  const kid = [...kids][0];
  if (kid === undefined) return undefined;
  const jwk = exported.keys.find((k) => k.kid === kid);
  if (jwk === undefined || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')
    return null;
  const publicKey = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
  return { publicKey, pin: { kid, x: jwk.x } };
}

/** The first checkpoint at or after the mark signed by a key other than the one pinned in it, if any. */
function unpinnedSeq(exported: CheckpointExport, last: VerifiedMark | null, pin: SigningKeyPin | undefined) {
  if (last?.key === undefined) return null;
  const pinned = last.key;
  const same = pin !== undefined && pin.kid === pinned.kid && pin.x === pinned.x;
  if (same) return null;
  return exported.checkpoints.find((c) => c.seq >= last.seq)?.seq ?? null;
}

/** Where verification starts: the last mark when still signed the same, else the anchor, else the start. */
function startOf(exported: CheckpointExport, last: VerifiedMark | null) {
  const { anchor } = exported;
  const signed = new Map(exported.checkpoints.map((c) => [c.seq, c.hash]));
  if (last !== null && last.seq > anchor.seq) {
    const hash = signed.get(last.seq);
    if (hash !== last.hash) return { problem: 'mark_rewritten' as const, seq: last.seq };
    return { start: { seq: last.seq, hash: last.hash } };
  }
  if (anchor.seq > 0) {
    if (signed.get(anchor.seq) !== anchor.hash) return { problem: 'unanchored' as const, seq: anchor.seq };
    return { start: anchor };
  }
  return { start: { seq: 0, hash: GENESIS_HASH } };
}

async function* counted(events: AsyncIterable<WireEvent>, options: VerifyOptions, from: number) {
  const total = Math.max(0, options.headSeq - from);
  let done = 0;
  for await (const event of events) {
    done++;
    if (done % 500 === 0) options.onProgress?.(done, Math.max(total, done));
    yield fromWireEvent(event);
  }
  options.onProgress?.(done, Math.max(total, done));
}

/** Verifies the chain after the last verified mark; the new mark is the newest checkpoint now verified. */
export async function verifyAuditChain(
  source: AuditChainSource,
  options: VerifyOptions,
): Promise<AuditChainOutcome> {
  const exported = await source.checkpoints();
  const key = signingKeyOf(exported);
  if (key === null) return { ok: false, problem: 'bad_checkpoint', firstBadSeq: null };
  const changedAt = unpinnedSeq(exported, options.last, key?.pin);
  if (changedAt !== null) return { ok: false, problem: 'signing_key_changed', firstBadSeq: changedAt };
  const begin = startOf(exported, options.last);
  if (begin.start === undefined) return { ok: false, problem: begin.problem, firstBadSeq: begin.seq };
  const publicKey = key?.publicKey;
  const { start } = begin;
  const checkpoints = exported.checkpoints.filter((c) => c.seq >= start.seq);
  const verdict = await verifyChain(counted(source.events(start.seq), options, start.seq), {
    checkpoints,
    ...(publicKey === undefined ? {} : { publicKey }),
    ...(start.seq > 0 ? { start } : {}),
  });
  if (!verdict.ok) return { ok: false, problem: verdict.problem, firstBadSeq: verdict.firstBadSeq };
  const through = start.seq + verdict.count;
  const newest = checkpoints.filter((c) => c.seq <= through).at(-1);
  const at = newest === undefined ? (start.seq > 0 ? start : null) : newest;
  const mark =
    at === null ? null : { seq: at.seq, hash: at.hash, ...(key === undefined ? {} : { key: key.pin }) };
  return { ok: true, from: start.seq, verified: verdict.count, mark, checkpoints: checkpoints.length };
}
