import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEvent, ChainedEvent } from './audit-event.js';
import { type Checkpoint, signCheckpoint } from './checkpoint.js';
import { chainEvent, eventBody, GENESIS_HASH } from './hash-chain.js';
import { verifyChain } from './verify-chain.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const TIME = '2026-01-02T03:04:05Z';

const id = fc.string({ minLength: 1, maxLength: 8 });
const bodyArbitrary = fc.record(
  {
    actor: fc.option(id, { nil: null }),
    action: id,
    resource: fc.record({ collection: id, recordId: id }, { requiredKeys: [] }),
    outcome: fc.constantFrom('allowed', 'denied', 'rate_limited', 'failed'),
    requestId: id,
  },
  { requiredKeys: ['actor', 'action', 'resource', 'outcome'] },
);
const chainArbitrary = fc
  .array(bodyArbitrary, { minLength: 3, maxLength: 25 })
  .map((bodies) => buildChain(bodies.map((body, i) => ({ ...body, seq: i + 1, time: TIME }))));

function buildChain(events: AuditEvent[], prevHash = GENESIS_HASH): ChainedEvent[] {
  const chain: ChainedEvent[] = [];
  let prev = prevHash;
  for (const event of events) {
    const chained = chainEvent(prev, event);
    chain.push(chained);
    prev = chained.hash;
  }
  return chain;
}

// Rewrites events from index `from` on so the chain is internally consistent again, as an attacker would.
function rehashFrom(chain: ChainedEvent[], from: number): ChainedEvent[] {
  const prev = from === 0 ? GENESIS_HASH : (chain[from - 1] as ChainedEvent).hash;
  return [...chain.slice(0, from), ...buildChain(chain.slice(from).map(eventBody), prev)];
}

function checkpointAt(chain: ChainedEvent[], seq: number): Checkpoint {
  const event = chain[seq - 1] as ChainedEvent;
  return signCheckpoint(privateKey, { seq, hash: event.hash, time: TIME });
}

async function* streamOf<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

describe('verifyChain', () => {
  it('accepts an intact chain, sync or async, with and without checkpoints', async () => {
    await fc.assert(
      fc.asyncProperty(chainArbitrary, async (chain) => {
        const head = chain.at(-1) as ChainedEvent;
        const expected = { ok: true, count: chain.length, headHash: head.hash };
        expect(await verifyChain(chain)).toEqual(expected);
        const checkpoints = [checkpointAt(chain, 1), checkpointAt(chain, chain.length)];
        expect(await verifyChain(streamOf(chain), { checkpoints, publicKey })).toEqual(expected);
      }),
    );
    expect(await verifyChain([])).toEqual({ ok: true, count: 0, headHash: GENESIS_HASH });
  });

  it('reports a changed event at its seq', async () => {
    await fc.assert(
      fc.asyncProperty(chainArbitrary, fc.nat(), async (chain, r) => {
        const k = (r % chain.length) + 1;
        const target = chain[k - 1] as ChainedEvent;
        const tampered = chain.with(k - 1, { ...target, action: `${target.action}!` });
        expect(await verifyChain(tampered)).toEqual({ ok: false, firstBadSeq: k, problem: 'changed' });
      }),
    );
  });

  it('reports a changed and re-hashed event (not the last) at its seq', async () => {
    await fc.assert(
      fc.asyncProperty(chainArbitrary, fc.nat(), async (chain, r) => {
        const k = (r % (chain.length - 1)) + 1;
        const target = chain[k - 1] as ChainedEvent;
        const forged = chainEvent(target.prevHash, { ...eventBody(target), outcome: 'allowed', actor: 'x' });
        fc.pre(forged.hash !== target.hash);
        const result = await verifyChain(chain.with(k - 1, forged));
        expect(result).toEqual({ ok: false, firstBadSeq: k, problem: 'changed' });
      }),
    );
  });

  it('reports a deleted event (not the last) at its seq', async () => {
    await fc.assert(
      fc.asyncProperty(chainArbitrary, fc.nat(), async (chain, r) => {
        const k = (r % (chain.length - 1)) + 1;
        const tampered = chain.toSpliced(k - 1, 1);
        expect(await verifyChain(streamOf(tampered))).toEqual({
          ok: false,
          firstBadSeq: k,
          problem: 'deleted',
        });
      }),
    );
  });

  it('reports an inserted event, linked or not, at the seq it claims', async () => {
    await fc.assert(
      fc.asyncProperty(chainArbitrary, fc.nat(), fc.boolean(), async (chain, r, linked) => {
        const k = (r % chain.length) + 1;
        const prevHash = linked ? (chain[k - 1] as ChainedEvent).prevHash : 'f'.repeat(64);
        const forged = chainEvent(prevHash, {
          seq: k,
          time: TIME,
          actor: 'mallory',
          action: 'x',
          resource: {},
          outcome: 'allowed',
        });
        const tampered = chain.toSpliced(k - 1, 0, forged);
        expect(await verifyChain(tampered)).toEqual({ ok: false, firstBadSeq: k, problem: 'inserted' });
      }),
    );
  });

  it('reports a replayed copy of an earlier event as inserted', async () => {
    await fc.assert(
      fc.asyncProperty(chainArbitrary, fc.nat(), fc.nat(), async (chain, r, s) => {
        const position = (r % (chain.length - 1)) + 1;
        const j = (s % position) + 1;
        const tampered = chain.toSpliced(position, 0, chain[j - 1] as ChainedEvent);
        expect(await verifyChain(tampered)).toEqual({ ok: false, firstBadSeq: j, problem: 'inserted' });
      }),
    );
  });

  it('reports reordered events at the first seq out of place', async () => {
    await fc.assert(
      fc.asyncProperty(chainArbitrary, fc.nat(), fc.nat(), async (chain, r, s) => {
        const from = r % chain.length;
        const to = s % chain.length;
        fc.pre(from !== to);
        const moved = chain.toSpliced(from, 1).toSpliced(to, 0, chain[from] as ChainedEvent);
        const result = await verifyChain(streamOf(moved));
        expect(result).toEqual({ ok: false, firstBadSeq: Math.min(from, to) + 1, problem: 'reordered' });
      }),
    );
  });

  it('reports truncation below the newest checkpoint at the first missing seq', async () => {
    await fc.assert(
      fc.asyncProperty(chainArbitrary, fc.nat(), async (chain, r) => {
        const kept = r % chain.length;
        const checkpoints = [checkpointAt(chain, chain.length)];
        const result = await verifyChain(chain.slice(0, kept), { checkpoints, publicKey });
        expect(result).toEqual({ ok: false, firstBadSeq: kept + 1, problem: 'truncated' });
      }),
    );
  });

  it('reports a rebuilt chain as truncated at the checkpoint whose hash no longer matches', async () => {
    await fc.assert(
      fc.asyncProperty(chainArbitrary, fc.nat(), async (chain, r) => {
        const k = (r % chain.length) + 1;
        const target = chain[k - 1] as ChainedEvent;
        const edited = chain.with(k - 1, { ...target, action: `${target.action}!` });
        const rebuilt = rehashFrom(edited, k - 1);
        expect(await verifyChain(rebuilt)).toMatchObject({ ok: true });
        const checkpoints = [checkpointAt(chain, chain.length)];
        const result = await verifyChain(rebuilt, { checkpoints, publicKey });
        expect(result).toEqual({ ok: false, firstBadSeq: chain.length, problem: 'truncated' });
      }),
    );
  });

  it('rejects checkpoints with a bad signature, the wrong key, or conflicting hashes', async () => {
    const chain = buildChain(
      [1, 2, 3].map((seq) => ({
        seq,
        time: TIME,
        actor: null,
        action: 'a',
        resource: {},
        outcome: 'denied',
      })),
    );
    const good = checkpointAt(chain, 3);
    const bad = { ok: false, firstBadSeq: null, problem: 'bad_checkpoint' };
    const flipped = {
      ...good,
      signature: `${good.signature.startsWith('A') ? 'B' : 'A'}${good.signature.slice(1)}`,
    };
    expect(await verifyChain(chain, { checkpoints: [flipped], publicKey })).toEqual(bad);
    expect(await verifyChain(chain, { checkpoints: [good], publicKey: other.publicKey })).toEqual(bad);
    const conflicting = signCheckpoint(privateKey, { seq: 3, hash: 'ab'.repeat(32), time: TIME });
    expect(await verifyChain(chain, { checkpoints: [good, conflicting], publicKey })).toEqual(bad);
    await expect(verifyChain(chain, { checkpoints: [good] })).rejects.toThrow(TypeError);
  });

  it('reports junk in the stream, or a chain not rooted at genesis, as changed', async () => {
    const chain = buildChain(
      [1, 2].map((seq) => ({ seq, time: TIME, actor: null, action: 'a', resource: {}, outcome: 'failed' })),
    );
    const junk = [...chain, null, { seq: 3 }] as unknown as ChainedEvent[];
    expect(await verifyChain(junk)).toEqual({ ok: false, firstBadSeq: 3, problem: 'changed' });
    const headless = buildChain(chain.map(eventBody), 'e'.repeat(64));
    expect(await verifyChain(headless)).toEqual({ ok: false, firstBadSeq: 1, problem: 'changed' });
  });

  it('streams 200k events from an async generator without collecting them', async () => {
    const total = 200_000;
    let produced = 0;
    async function* generate(): AsyncGenerator<ChainedEvent> {
      let prev = GENESIS_HASH;
      for (let seq = 1; seq <= total; seq++) {
        const event = chainEvent(prev, {
          seq,
          time: TIME,
          actor: 'svc',
          action: 'record.read',
          resource: {},
          outcome: 'allowed',
        });
        prev = event.hash;
        produced++;
        yield event;
      }
    }
    const result = await verifyChain(generate());
    expect(result).toMatchObject({ ok: true, count: total });
    expect(produced).toBe(total);
  }, 60_000);
});

describe('verifyChain from a pruning anchor', () => {
  const chain: ChainedEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= 10; seq++) {
    const event = chainEvent(prev, {
      seq,
      time: TIME,
      actor: null,
      action: 'a',
      resource: {},
      outcome: 'allowed',
    });
    chain.push(event);
    prev = event.hash;
  }
  const anchor = chain[4] as ChainedEvent;
  const rest = chain.slice(5);

  it('resumes after the anchor and checks later checkpoints', async () => {
    const checkpoint = signCheckpoint(privateKey, { seq: 10, hash: prev, time: TIME });
    const start = { seq: 5, hash: anchor.hash };
    expect(await verifyChain(rest, { start, checkpoints: [checkpoint], publicKey })).toEqual({
      ok: true,
      count: 5,
      headHash: prev,
    });
    expect(await verifyChain(rest.slice(1), { start })).toEqual({
      ok: false,
      firstBadSeq: 6,
      problem: 'deleted',
    });
    expect(await verifyChain(rest, { start: { seq: 5, hash: GENESIS_HASH } })).toMatchObject({
      ok: false,
      firstBadSeq: 6,
    });
    const atAnchor = signCheckpoint(privateKey, { seq: 5, hash: chain[3]?.hash ?? '', time: TIME });
    expect(await verifyChain(rest, { start, checkpoints: [atAnchor], publicKey })).toEqual({
      ok: false,
      firstBadSeq: 5,
      problem: 'truncated',
    });
  });
});
