/**
 * Reading and verifying the chain as stored, with bounded memory: events are read in seq order in pages
 * (keyset pagination on the primary key) and handed to the streaming verifier one at a time.
 * Trust: checkpoints and public keys come either from the database (which proves the chain against everything
 * but whoever can rewrite both the events and the keys table) or from a file exported off the host earlier
 * (`strongroom audit checkpoints --out`), which is the stronger check. After retention pruning, verification
 * resumes at the pruning anchor, which must equal a trusted signed checkpoint.
 */
import type { KeyObject } from 'node:crypto';
import type { ChainedEvent } from '../../audit/index.js';
import { type ChainProblem, type ChainVerdict, type Checkpoint, verifyChain } from '../../audit/index.js';
import { type AuditStore, decodePublicJwk } from '../../storage/index.js';
import { fromPublicJwk } from './checkpoint-signer.js';
import { fromEventRow } from './event-row.js';

const PAGE = 5000;

/** Every stored event in seq order, one page in memory at a time. */
export async function* readStoredChain(
  store: Pick<AuditStore, 'listEvents'>,
  afterSeq = Number.MIN_SAFE_INTEGER,
) {
  let last = afterSeq;
  for (;;) {
    const rows = await store.listEvents({ afterSeq: last }, PAGE);
    for (const row of rows) yield fromEventRow(row) as ChainedEvent;
    const tail = rows.at(-1);
    if (tail === undefined || rows.length < PAGE) return;
    last = Number(tail.seq);
  }
}

/** Exported checkpoints: the public keys that verify them, the signed heads, and the pruning anchor then. */
export interface CheckpointExport {
  format: 'strongroom-audit-checkpoints-v1';
  keys: Array<{ kty: string; crv: string; x: string; kid: string }>;
  checkpoints: Checkpoint[];
  anchor: { seq: number; hash: string };
}

/** Reads the checkpoint export of the database (public material only: no root key needed). */
export async function exportStoredCheckpoints(
  store: Pick<AuditStore, 'listSigningKeys' | 'listCheckpoints' | 'readHead'>,
): Promise<CheckpointExport> {
  return (await readCheckpoints(store)).exported;
}

/**
 * One page of the export: the keys and anchor, and up to `limit` checkpoints after `afterSeq`; `nextAfter` is the
 * seq to continue after, or null on the last page.
 */
export async function exportCheckpointPage(
  store: Pick<AuditStore, 'listSigningKeys' | 'listCheckpoints' | 'readHead'>,
  page: { afterSeq: number; limit: number },
): Promise<{ exported: CheckpointExport; nextAfter: number | null }> {
  return readCheckpoints(store, page);
}

async function readCheckpoints(
  store: Pick<AuditStore, 'listSigningKeys' | 'listCheckpoints' | 'readHead'>,
  page?: { afterSeq: number; limit: number },
): Promise<{ exported: CheckpointExport; nextAfter: number | null }> {
  const [keys, rows, head] = await Promise.all([
    store.listSigningKeys(),
    store.listCheckpoints(page === undefined ? undefined : { ...page, limit: page.limit + 1 }),
    store.readHead(),
  ]);
  const checkpoints = (page === undefined ? rows : rows.slice(0, page.limit)).map((c) => ({
    seq: Number(c.seq),
    hash: c.hash,
    time: c.time,
    kid: c.kid,
    signature: c.signature,
  }));
  const more = page !== undefined && rows.length > page.limit;
  return {
    exported: {
      format: 'strongroom-audit-checkpoints-v1',
      keys: keys.map(
        (k) =>
          decodePublicJwk('audit_signing_keys.public_jwk', k.publicJwk) as CheckpointExport['keys'][number],
      ),
      checkpoints,
      anchor: { seq: Number(head.anchorSeq), hash: head.anchorHash },
    },
    nextAfter: more ? (checkpoints.at(-1)?.seq ?? null) : null,
  };
}

/** Parses a checkpoint export; throws TypeError when it is not one. */
export function parseCheckpointExport(text: string): CheckpointExport {
  const value = JSON.parse(text) as Partial<CheckpointExport>;
  if (
    value.format !== 'strongroom-audit-checkpoints-v1' ||
    !Array.isArray(value.keys) ||
    !Array.isArray(value.checkpoints)
  ) {
    throw new TypeError('not a strongroom audit checkpoint export');
  }
  return value as CheckpointExport;
}

export type StoredChainVerdict =
  | { ok: true; count: number; headHash: string; from: number; checkpoints: number }
  | { ok: false; firstBadSeq: number | null; problem: ChainProblem | 'unanchored' };

/**
 * Verifies the stored chain against trusted checkpoints (from `trusted`, else from the database).
 * `unanchored`: events were pruned but no trusted checkpoint vouches for the anchor they were pruned to.
 */
export async function verifyStoredChain(
  store: AuditStore,
  trusted?: CheckpointExport,
): Promise<StoredChainVerdict> {
  const head = await store.readHead();
  const source = trusted ?? (await exportStoredCheckpoints(store));
  const anchor = { seq: Number(head.anchorSeq), hash: head.anchorHash };
  let publicKey: KeyObject | undefined;
  const keyIds = new Set(source.checkpoints.map((c) => c.kid));
  if (keyIds.size > 1) return { ok: false, firstBadSeq: null, problem: 'bad_checkpoint' };
  const kid = [...keyIds][0];
  if (kid !== undefined) {
    const jwk = source.keys.find((k) => k.kid === kid);
    if (jwk === undefined) return { ok: false, firstBadSeq: null, problem: 'bad_checkpoint' };
    publicKey = fromPublicJwk(jwk);
  }
  if (anchor.seq > 0 && !source.checkpoints.some((c) => c.seq === anchor.seq && c.hash === anchor.hash)) {
    return { ok: false, firstBadSeq: anchor.seq, problem: 'unanchored' };
  }
  const verdict: ChainVerdict = await verifyChain(readStoredChain(store), {
    checkpoints: source.checkpoints,
    ...(publicKey === undefined ? {} : { publicKey }),
    ...(anchor.seq > 0 ? { start: anchor } : {}),
  });
  if (!verdict.ok) return verdict;
  // The head row names the newest event: a tail deleted after the newest checkpoint still shows here, unless the
  // head row was rewritten as well.
  const lastSeq = anchor.seq + verdict.count;
  if (lastSeq < head.seq) return { ok: false, firstBadSeq: lastSeq + 1, problem: 'truncated' };
  if (lastSeq > head.seq || verdict.headHash !== head.hash) {
    return { ok: false, firstBadSeq: Math.min(lastSeq, head.seq + 1), problem: 'changed' };
  }
  return { ...verdict, from: anchor.seq + 1, checkpoints: source.checkpoints.length };
}
