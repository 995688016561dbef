/**
 * The audit trail: appends hash-chained events, signs checkpoints of the chain head, mirrors, prunes and queries.
 * Invariants:
 * - Fail closed. `appendInTransaction` writes through the caller's transaction-bound stores, so a data change and its event commit
 *   together or not at all; `record` resolves only once the event's batch has committed durably (SQLite: the batch
 *   commits with `synchronous = FULL`, which in WAL mode syncs the log, earlier NORMAL commits included;
 *   PostgreSQL: `synchronous_commit = on` for the batch), and rejects with AUDIT_UNAVAILABLE when it cannot be
 *   written. Callers must not answer before `record` resolves.
 * - Appends are serialized on the chain head row (see storage/audit-store.ts), so seqs are gapless across
 *   `record` batches, in-transaction appends and nodes sharing one PostgreSQL database.
 * - Events carry identifiers only (audit-input.ts); sensitive identifiers go through `hmacIdentifier`.
 * - Retention removes only events older than the retention period AND at or below a signed checkpoint; the pruned
 *   checkpoint becomes the anchor verification resumes from.
 * Failures are reported (logger.error) and make `isHealthy()` false (readiness) until a write or probe succeeds.
 * Threats addressed: silent edits, deletion, insertion, reordering and truncation of stored events (hash chain +
 * checkpoints); a data change or a read escaping the trail. Not addressed: events after the newest checkpoint
 * can be dropped by someone who can rewrite the database (export checkpoints off the host often).
 */
import { type AuditEvent, type ChainedEvent, type Checkpoint, chainEvent } from '../../audit/index.js';
import type { RootKey } from '../../crypto/index.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AuditEventFilter, AuditStore, Persistence, Stores } from '../../storage/index.js';
import { type AuditInput, toAuditEvent } from './audit-input.js';
import { createCheckpointSigner } from './checkpoint-signer.js';
import { fromEventRow, toEventRow } from './event-row.js';
import { createGroupCommit } from './group-commit.js';
import { createIdentifierHmac } from './identifier-hmac.js';
import { createJsonlMirror, type JsonlMirror } from './jsonl-mirror.js';
import { type CheckpointExport, exportStoredCheckpoints } from './stored-chain.js';

export interface AuditSettings {
  /** Events written per transaction by `record`. */
  batchSize: number;
  /** Extra wait for more events before writing an idle queue (0: next event-loop turn). */
  flushDelayMs: number;
  /** Events allowed to wait; beyond, `record` rejects with SERVICE_BUSY. */
  queueLimit: number;
  /** Sign the head after this many events … */
  checkpointEvents: number;
  /** … or after this many seconds, whichever comes first (when there are new events). */
  checkpointSeconds: number;
  mirrorFile: string | null;
  /** 0 keeps every event. */
  retentionDays: number;
}

/** An event checked and built by `toAuditEvent` when submitted; `append` gives it its seq. */
type Queued = AuditEvent;

const TICK_MS = 1000;
const PRUNE_EVERY_MS = 3_600_000;
export function createAuditTrail(deps: {
  persistence: Pick<Persistence, 'stores' | 'transaction' | 'durableTransaction'>;
  rootKey: Pick<RootKey, 'get' | 'derive' | 'isSealed'>;
  clock: () => number;
  logger: Pick<Logger, 'error' | 'info'>;
  settings: AuditSettings;
}) {
  const { persistence, clock, logger, settings } = deps;
  const store = persistence.stores.audit;
  const signer = createCheckpointSigner({ store, rootKey: deps.rootKey, clock });
  const mirror: JsonlMirror | null =
    settings.mirrorFile === null
      ? null
      : createJsonlMirror({
          file: settings.mirrorFile,
          readAfter: async (afterSeq, limit) =>
            (await store.listEvents({ afterSeq }, limit)).map(fromEventRow),
        });
  let healthy = true;
  let lastCheckpoint = { seq: 0, at: clock() };
  let lastPruneAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;

  const fail = (error: unknown, what: string): AppError => {
    if (healthy) logger.error({ err: error }, `audit trail unavailable: ${what} failed`);
    healthy = false;
    return new AppError('AUDIT_UNAVAILABLE', { cause: error });
  };
  const succeed = () => {
    if (!healthy) logger.info('audit trail writable again');
    healthy = true;
  };

  /** Chains and inserts `events` after the locked head, with `trxStore` bound to the appending transaction. */
  async function append(trxStore: AuditStore, inputs: readonly Queued[]): Promise<ChainedEvent[]> {
    const head = await trxStore.lockHead();
    let prev = head.hash;
    const chained = inputs.map((built, i) => {
      const event = chainEvent(prev, { ...built, seq: head.seq + i + 1 });
      prev = event.hash;
      return event;
    });
    await trxStore.appendRows(chained.map(toEventRow), { seq: head.seq + chained.length, hash: prev });
    return chained;
  }

  const queue = createGroupCommit<Queued>({
    batchSize: settings.batchSize,
    maxQueued: settings.queueLimit,
    flushDelayMs: settings.flushDelayMs,
    onOverflow: () => new AppError('SERVICE_BUSY', { retryAfter: 1 }),
    async write(items) {
      try {
        await persistence.durableTransaction((trxStore) => append(trxStore, items));
      } catch (error) {
        throw fail(error, 'write');
      }
      succeed();
    },
  });

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

  /** Write probe while unhealthy: inserts a row and rolls it back, leaving no trace. */
  async function probe(): Promise<void> {
    // A sentinel: thrown to roll the probe back, caught below by identity; it never leaves this function.
    const rollback = new AppError('INTERNAL_ERROR', { message: 'probe rollback' });
    try {
      await persistence.transaction(async ({ audit: trxStore }) => {
        const head = await trxStore.lockHead();
        const time = new Date(clock()).toISOString();
        const event = toAuditEvent(
          { actor: null, action: 'audit.query', outcome: 'allowed' },
          head.seq + 1,
          time,
        );
        await trxStore.insertEvent(toEventRow(chainEvent(head.hash, event)));
        throw rollback;
      });
    } catch (error) {
      if (error !== rollback) throw error;
    }
    succeed();
  }

  async function tick(): Promise<void> {
    if (!healthy) await probe().catch(() => undefined);
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
    await mirror?.catchUp();
  }

  const runTick = (): Promise<void> => {
    ticking ??= tick()
      .catch((error: unknown) => logger.error({ err: error }, 'audit trail maintenance failed'))
      .finally(() => {
        ticking = null;
      });
    return ticking;
  };

  return {
    /**
     * Records one read or authentication event; resolves once it is durably committed. Rejects with
     * AUDIT_UNAVAILABLE (write failed) or SERVICE_BUSY (queue full); throws TypeError for an event that could
     * carry a value.
     */
    record(input: AuditInput): Promise<void> {
      let built: Queued;
      try {
        built = toAuditEvent(input, 1, new Date(clock()).toISOString());
      } catch (error) {
        return Promise.reject(error);
      }
      return queue.submit(built);
    },
    /**
     * Appends events in the caller's transaction (data changes): they commit or roll back with it. Throws
     * AUDIT_UNAVAILABLE when they cannot be written, which must abort the transaction.
     */
    async appendInTransaction(
      stores: Pick<Stores, 'audit'>,
      inputs: readonly AuditInput[],
    ): Promise<ChainedEvent[]> {
      const time = new Date(clock()).toISOString();
      const queued = inputs.map((input) => toAuditEvent(input, 1, time));
      try {
        return await append(stores.audit, queued);
      } catch (error) {
        throw fail(error, 'in-transaction append');
      }
    },
    hmacIdentifier: createIdentifierHmac(deps.rootKey),
    /** Signs the current head now (if it moved since the last checkpoint); null for an empty trail. */
    checkpointNow,
    exportCheckpoints: (): Promise<CheckpointExport> => exportStoredCheckpoints(store),
    /** Events matching `filter` after `cursor` (a seq), in seq order; `nextCursor` is null on the last page. */
    async query(filter: AuditEventFilter, limit: number) {
      const rows = await store.listEvents(filter, limit + 1);
      const events = rows.slice(0, limit).map(fromEventRow);
      const last = events.at(-1);
      return { events, nextCursor: rows.length > limit && last !== undefined ? last.seq : null };
    },
    prune,
    isHealthy: () => healthy,
    /** Loads (or creates) the checkpoint signing key and starts the maintenance timer; call once unsealed. */
    async start(): Promise<void> {
      await signer.init();
      const latest = await store.latestCheckpoint();
      lastCheckpoint = { seq: latest === undefined ? 0 : Number(latest.seq), at: clock() };
      if (timer === null) {
        timer = setInterval(() => void runTick(), TICK_MS);
        timer.unref();
      }
    },
    /** Runs one round of maintenance now (checkpoint when due, prune, mirror); tests and shutdown use it. */
    tick: runTick,
    /** Writes everything queued, mirrors it, and stops the timer. */
    async close(): Promise<void> {
      if (timer !== null) clearInterval(timer);
      timer = null;
      await queue.drain();
      await ticking;
      await mirror?.catchUp().catch((error: unknown) => logger.error({ err: error }, 'audit mirror failed'));
    },
  };
}

export type AuditTrail = ReturnType<typeof createAuditTrail>;
