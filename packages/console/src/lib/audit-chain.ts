/**
 * What the console can check of the audit trail itself, from the API's answers: that the events link up
 * (each `prev_hash` is the previous event's `hash`, seqs without gaps, from the retention anchor on), that each
 * signed checkpoint's Ed25519 signature verifies under the published checkpoint keys (WebCrypto), and that the
 * hash a checkpoint signs is the hash of the event at its seq. It does not recompute each event's hash from its
 * content (the canonical form lives on the server: `strongroom audit verify` on the host does that).
 */

export interface LinkedEvent {
  seq: number;
  prev_hash: string;
  hash: string;
}

export interface SignedCheckpoint {
  seq: number;
  hash: string;
  time: string;
  kid: string;
  signature: string;
}

export interface CheckpointKey {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
}

export type LinkCheck =
  | { ok: true; count: number; first: number | null; last: number | null }
  | { ok: false; seq: number; problem: 'gap' | 'link' };

/** Checks that `events` (in seq order) continue the chain from `anchor` without a gap or a broken link. */
export function checkLinks(events: readonly LinkedEvent[], anchor: { seq: number; hash: string }): LinkCheck {
  let expected = anchor.seq + 1;
  let previous = anchor.hash;
  for (const event of events) {
    if (event.seq !== expected) return { ok: false, seq: expected, problem: 'gap' };
    if (event.prev_hash !== previous) return { ok: false, seq: event.seq, problem: 'link' };
    previous = event.hash;
    expected++;
  }
  return { ok: true, count: events.length, first: events[0]?.seq ?? null, last: events.at(-1)?.seq ?? null };
}

const DOMAIN = 'strongroom-audit-checkpoint-v1\u0000';

/** The bytes a checkpoint's signature covers: domain, NUL, canonical JSON of {hash, kid, seq, time}. */
export function checkpointMessage(checkpoint: SignedCheckpoint): Uint8Array<ArrayBuffer> {
  const { hash, kid, seq, time } = checkpoint;
  // Keys in code-unit order, values JSON-encoded: the server's canonical JSON of these four scalars.
  const json = `{"hash":${JSON.stringify(hash)},"kid":${JSON.stringify(kid)},"seq":${JSON.stringify(seq)},"time":${JSON.stringify(time)}}`;
  return Uint8Array.from(new TextEncoder().encode(DOMAIN + json));
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const base64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

type Subtle = typeof globalThis.crypto.subtle;

/** True when the checkpoint's signature verifies under the key its kid names. */
export async function verifyCheckpoint(
  checkpoint: SignedCheckpoint,
  keys: readonly CheckpointKey[],
  subtle: Subtle = globalThis.crypto.subtle,
): Promise<boolean> {
  const jwk = keys.find((key) => key.kid === checkpoint.kid);
  const signature = fromBase64url(checkpoint.signature);
  if (jwk === undefined || signature === null) return false;
  const key = await subtle.importKey(
    'jwk',
    { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  return subtle.verify({ name: 'Ed25519' }, key, signature, checkpointMessage(checkpoint));
}

export interface CheckpointCheck {
  verified: number;
  /** Seqs whose signature does not verify. */
  badSignatures: number[];
  /** Seqs whose signed hash differs from the event's hash at that seq (among the events given). */
  mismatched: number[];
  /** Checkpoints whose seq is among the events given and whose hash matches. */
  matched: number;
}

/** Verifies every checkpoint's signature and compares its hash with the event at its seq, when given. */
export async function checkCheckpoints(
  checkpoints: readonly SignedCheckpoint[],
  keys: readonly CheckpointKey[],
  events: readonly LinkedEvent[],
  subtle?: Subtle,
): Promise<CheckpointCheck> {
  const hashAt = new Map(events.map((event) => [event.seq, event.hash]));
  const result: CheckpointCheck = { verified: 0, badSignatures: [], mismatched: [], matched: 0 };
  for (const checkpoint of checkpoints) {
    if (await verifyCheckpoint(checkpoint, keys, subtle)) result.verified++;
    else result.badSignatures.push(checkpoint.seq);
    const hash = hashAt.get(checkpoint.seq);
    if (hash === undefined) continue;
    if (hash === checkpoint.hash) result.matched++;
    else result.mismatched.push(checkpoint.seq);
  }
  return result;
}
