import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  type ChainedEvent,
  chainEvent,
  GENESIS_HASH,
  signCheckpoint,
  toWireEvent,
  type WireEvent,
} from '../../audit/index.js';
import { type AuditChainSource, type CheckpointExport, verifyAuditChain } from './audit-chain.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const TIME = '2026-01-02T03:04:05Z';

function chainOf(length: number): ChainedEvent[] {
  const chain: ChainedEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const event: AuditEvent = {
      seq,
      time: TIME,
      actor: `user:${seq}`,
      action: 'record.read',
      resource: {},
      outcome: 'allowed',
    };
    const chained = chainEvent(prev, event);
    chain.push(chained);
    prev = chained.hash;
  }
  return chain;
}

const keyX = (publicKey.export({ format: 'jwk' }) as { x: string }).x;

/** A server's audit API over `chain`, with checkpoints at `at` signed by `keys`; counts the events it served. */
function serverOf(
  chain: ChainedEvent[],
  at: number[],
  anchor = { seq: 0, hash: GENESIS_HASH },
  keys = { privateKey, publicKey },
) {
  const jwk = keys.publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  const checkpoints = at.map((seq) =>
    signCheckpoint(keys.privateKey, { seq, hash: (chain[seq - 1] as ChainedEvent).hash, time: TIME }),
  );
  const kid = checkpoints[0]?.kid ?? 'none';
  let served = 0;
  const source: AuditChainSource = {
    checkpoints: async (): Promise<CheckpointExport> => ({ keys: [{ ...jwk, kid }], checkpoints, anchor }),
    async *events(afterSeq: number): AsyncIterable<WireEvent> {
      for (const event of chain) {
        if (event.seq <= afterSeq) continue;
        served++;
        yield toWireEvent(event);
      }
    },
  };
  return { source, served: () => served, checkpoints };
}

describe('verifyAuditChain (from outside, incremental)', () => {
  it('verifies a whole chain and marks the newest checkpoint it covers', async () => {
    const chain = chainOf(30);
    const server = serverOf(chain, [10, 20]);
    const outcome = await verifyAuditChain(server.source, { last: null, headSeq: 30 });
    expect(outcome).toEqual({
      ok: true,
      from: 0,
      verified: 30,
      mark: { seq: 20, hash: chain[19]?.hash, key: { kid: server.checkpoints[0]?.kid, x: keyX } },
      checkpoints: 2,
    });
  });

  it('keeps the pinned key in the new mark when the same key signs on', async () => {
    const chain = chainOf(40);
    const server = serverOf(chain, [10, 20, 35]);
    const key = { kid: server.checkpoints[0]?.kid as string, x: keyX };
    const last = { seq: 20, hash: (chain[19] as ChainedEvent).hash, key };
    const outcome = await verifyAuditChain(server.source, { last, headSeq: 40 });
    expect(outcome).toMatchObject({ ok: true, from: 20, mark: { seq: 35, key } });
  });

  it('stops when the checkpoints are re-signed with another key than the pinned one (mark not advanced)', async () => {
    const chain = chainOf(40);
    const honest = serverOf(chain, [10, 20, 35]);
    const pinned = { kid: honest.checkpoints[0]?.kid as string, x: keyX };
    // Someone with database write access adds a key row of their own and re-signs every checkpoint with it:
    // same seqs and hashes, valid signatures, only the key differs.
    const resigned = serverOf(chain, [10, 20, 35], undefined, generateKeyPairSync('ed25519'));
    const last = { seq: 20, hash: (chain[19] as ChainedEvent).hash, key: pinned };
    const outcome = await verifyAuditChain(resigned.source, { last, headSeq: 40 });
    expect(outcome).toEqual({ ok: false, problem: 'signing_key_changed', firstBadSeq: 20 });
    expect(resigned.served()).toBe(0);
  });

  it('stops when the pinned kid is listed with another public key', async () => {
    const chain = chainOf(30);
    const server = serverOf(chain, [10, 20]);
    const kid = server.checkpoints[0]?.kid as string;
    const last = { seq: 10, hash: (chain[9] as ChainedEvent).hash, key: { kid, x: 'A'.repeat(43) } };
    const outcome = await verifyAuditChain(server.source, { last, headSeq: 30 });
    expect(outcome).toMatchObject({ ok: false, problem: 'signing_key_changed' });
  });

  it('pins the key on a mark kept before keys were pinned', async () => {
    const chain = chainOf(30);
    const server = serverOf(chain, [10, 20]);
    const last = { seq: 10, hash: (chain[9] as ChainedEvent).hash };
    const outcome = await verifyAuditChain(server.source, { last, headSeq: 30 });
    expect(outcome).toMatchObject({
      ok: true,
      mark: { seq: 20, key: { kid: server.checkpoints[0]?.kid, x: keyX } },
    });
  });

  it('resumes from the last verified mark and reads only the events after it', async () => {
    const chain = chainOf(40);
    const server = serverOf(chain, [10, 20, 35]);
    const last = { seq: 20, hash: (chain[19] as ChainedEvent).hash };
    const progress: number[] = [];
    const outcome = await verifyAuditChain(server.source, {
      last,
      headSeq: 40,
      onProgress: (done) => progress.push(done),
    });
    expect(outcome).toMatchObject({ ok: true, from: 20, verified: 20, mark: { seq: 35 } });
    expect(server.served()).toBe(20);
    expect(progress.at(-1)).toBe(20);
  });

  it('fails on an event changed after the mark, naming its seq', async () => {
    const chain = chainOf(30);
    const tampered = chain.map((event) =>
      event.seq === 25 ? { ...event, outcome: 'denied' as const } : event,
    );
    const server = serverOf(tampered, [10, 20]);
    const outcome = await verifyAuditChain(server.source, { last: null, headSeq: 30 });
    expect(outcome).toEqual({ ok: false, problem: 'changed', firstBadSeq: 25 });
  });

  it('fails when the mark verified last time is no longer signed with the same hash', async () => {
    const chain = chainOf(30);
    const server = serverOf(chain, [10, 20]);
    const outcome = await verifyAuditChain(server.source, {
      last: { seq: 20, hash: 'f'.repeat(64) },
      headSeq: 30,
    });
    expect(outcome).toEqual({ ok: false, problem: 'mark_rewritten', firstBadSeq: 20 });
  });

  it('fails on a checkpoint whose signature does not verify', async () => {
    const chain = chainOf(12);
    const server = serverOf(chain, [10]);
    const forged = {
      ...server.checkpoints[0],
      signature: 'A'.repeat(86),
    } as (typeof server.checkpoints)[number];
    const source = {
      ...server.source,
      checkpoints: async () => ({ ...(await server.source.checkpoints()), checkpoints: [forged] }),
    };
    const outcome = await verifyAuditChain(source, { last: null, headSeq: 12 });
    expect(outcome).toMatchObject({ ok: false, problem: 'bad_checkpoint' });
  });
});
