/**
 * The trail's periodic work: a signed checkpoint of the head when enough events or time have passed, retention
 * (only events older than the period AND at or below a signed checkpoint, which becomes the anchor), the mirror's
 * catch-up, and a write probe while the trail is unhealthy (it inserts a row and rolls it back, leaving no trace).
 */
import { type Checkpoint, chainEvent } from '../../audit/index.js';
import type { RootKey } from '../../crypto/index.js';
import { type AuditStore, type Persistence, rollBack } from '../../storage/index.js';
import { toAuditEvent } from './audit-input.js';
import type { createCheckpointSigner } from './checkpoint-signer.js';
import { toEventRow } from './event-row.js';
import type { JsonlMirror } from './jsonl-mirror.js';
import type { TrailHealth } from './trail-health.js';

const PRUNE_EVERY_MS = 3_600_000;

export function createTrailMaintenance(deps: {
  persistence: Pick<Persistence, 'transaction'>;
  store: AuditStore;
  signer: ReturnType<typeof createCheckpointSigner>;
  rootKey: Pick<RootKey, 'isSealed'>;
  mirror: JsonlMirror | null;
  health: TrailHealth;
  clock: () => number;
  settings: { checkpointEvents: number; checkpointSeconds: number; retentionDays: number };
}) {
  const { persistence, store, signer, clock, settings } = deps;
  let lastCheckpoint = { seq: 0, at: clock() };
  let lastPruneAt = Number.NEGATIVE_INFINITY;

  async function checkpointNow(): Promise<Checkpoint | null> {
    const head = await store.readHead();
    const latest = await store.latestCheckpoint();
    if (head.seq === 0 || (latest !== undefined && Number(latest.seq) >= head.seq)) {
      return latest === undefined ? null : { ...latest, seq: Number(latest.seq) };
    }
    const checkpoint = signer.sign({ seq: head.seq, hash: head.hash });
    await store.insertCheckpoint(checkpoint, clock());
    lastCheckpoint = { seq: checkpoint.seq, at: clock() };
    return checkpoint;
  }

  async function prune(): Promise<{ removed: number; anchorSeq: number }> {
    if (settings.retentionDays === 0) return { removed: 0, anchorSeq: (await store.readHead()).anchorSeq };
    const cutoff = clock() - settings.retentionDays * 86_400_000;
    return persistence.transaction(async ({ audit: trxStore }) => {
      const head = await trxStore.lockHead();
      const target = await trxStore.prunableCheckpoint(head.seq, cutoff);
      if (target === undefined || Number(target.seq) <= head.anchorSeq) {
        return { removed: 0, anchorSeq: head.anchorSeq };
      }
      const removed = await trxStore.pruneThrough(Number(target.seq), target.hash);
      return { removed, anchorSeq: Number(target.seq) };
    });
  }

  async function probe(): Promise<void> {
    await persistence.transaction(async ({ audit: trxStore }) => {
      const head = await trxStore.lockHead();
      const time = new Date(clock()).toISOString();
      const event = toAuditEvent(
        { actor: null, action: 'audit.query', outcome: 'allowed' },
        head.seq + 1,
        time,
      );
      await trxStore.insertEvent(toEventRow(chainEvent(head.hash, event)));
      return rollBack(undefined);
    });
    deps.health.succeed();
  }

  return {
    checkpointNow,
    prune,
    /** Remembers the newest stored checkpoint, so the next one is due from there. */
    async resume(): Promise<void> {
      const latest = await store.latestCheckpoint();
      lastCheckpoint = { seq: latest === undefined ? 0 : Number(latest.seq), at: clock() };
    },
    async tick(): Promise<void> {
      if (!deps.health.isHealthy()) await probe().catch(() => undefined);
      if (!deps.rootKey.isSealed() && signer.isReady()) {
        const head = await store.readHead();
        const due =
          head.seq - lastCheckpoint.seq >= settings.checkpointEvents ||
          (head.seq > lastCheckpoint.seq && clock() - lastCheckpoint.at >= settings.checkpointSeconds * 1000);
        if (due) await checkpointNow();
        if (clock() - lastPruneAt >= PRUNE_EVERY_MS) {
          lastPruneAt = clock();
          await prune();
        }
      }
      await deps.mirror?.catchUp();
    },
  };
}
