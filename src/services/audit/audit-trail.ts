/**
 * The audit trail: appends hash-chained events, signs checkpoints of the chain head, mirrors, streams to sinks
 * (sink-runner.ts), prunes and queries.
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
import type { AuditEvent, ChainedEvent } from '../../audit/index.js';
import type { AuditConfig } from '../../config.js';
import type { RootKey } from '../../crypto/index.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AuditEventFilter, Persistence, Stores } from '../../storage/index.js';
import { type AuditInput, toAuditEvent } from './audit-input.js';
import { createAuditSinks } from './audit-sinks.js';
import { appendChained } from './chain-append.js';
import { createCheckpointSigner } from './checkpoint-signer.js';
import { fromEventRow } from './event-row.js';
import { createGroupCommit } from './group-commit.js';
import { createIdentifierHmac } from './identifier-hmac.js';
import { createJsonlMirror, type JsonlMirror } from './jsonl-mirror.js';
import type { SinkRunner } from './sink-runner.js';
import { type CheckpointExport, exportCheckpointPage, exportStoredCheckpoints } from './stored-chain.js';
import { createTrailHealth, type TrailHealth } from './trail-health.js';
import { createTrailMaintenance } from './trail-maintenance.js';

/** The trail's settings, as configured (src/config/types.ts documents each). */
export type AuditSettings = AuditConfig;

/** An event checked and built by `toAuditEvent` when submitted; `append` gives it its seq. */
type Queued = AuditEvent;

const TICK_MS = 1000;

/** `record`'s queue: events wait for a batch, which commits durably before any of them resolves. */
function createRecordQueue(
  persistence: Pick<Persistence, 'durableTransaction'>,
  health: TrailHealth,
  settings: Pick<AuditSettings, 'batchSize' | 'queueLimit' | 'flushDelayMs'>,
  onWritten?: (seconds: number, ok: boolean) => void,
) {
  return createGroupCommit<Queued>({
    ...(onWritten === undefined ? {} : { onWritten }),
    batchSize: settings.batchSize,
    maxQueued: settings.queueLimit,
    flushDelayMs: settings.flushDelayMs,
    onOverflow: () => new AppError('SERVICE_BUSY', { retryAfter: 1 }),
    async write(items) {
      try {
        await persistence.durableTransaction((trxStore) => appendChained(trxStore, items));
      } catch (error) {
        throw health.fail(error, 'write');
      }
      health.succeed();
    },
  });
}

export function createAuditTrail(deps: {
  persistence: Pick<Persistence, 'stores' | 'transaction' | 'durableTransaction'>;
  rootKey: Pick<RootKey, 'get' | 'derive' | 'isSealed'>;
  clock: () => number;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  settings: AuditSettings;
  /** Told of each `record` batch's commit: seconds taken and whether it committed (metrics). */
  onCommit?: (seconds: number, ok: boolean) => void;
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
  const health = createTrailHealth(logger);
  // Streams to SIEMs (syslog over TLS, HTTPS webhook): committed events only, in order, at least once.
  const sinks = createAuditSinks({ store, settings: settings.sinks, clock, logger });
  const maintenance = createTrailMaintenance({
    persistence,
    store,
    signer,
    rootKey: deps.rootKey,
    mirror,
    health,
    clock,
    settings,
  });
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;

  const queue = createRecordQueue(persistence, health, settings, deps.onCommit);

  const runTick = (): Promise<void> => {
    ticking ??= maintenance
      .tick()
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
        return await appendChained(stores.audit, queued);
      } catch (error) {
        throw health.fail(error, 'in-transaction append');
      }
    },
    hmacIdentifier: createIdentifierHmac(deps.rootKey),
    /** Signs the current head now (if it moved since the last checkpoint); null for an empty trail. */
    checkpointNow: maintenance.checkpointNow,
    exportCheckpoints: (): Promise<CheckpointExport> => exportStoredCheckpoints(store),
    /** One page of the export, for the HTTP route (bounded answers). */
    exportCheckpointPage: (page: { afterSeq: number; limit: number }) => exportCheckpointPage(store, page),
    /** Events matching `filter` after `cursor` (a seq), in seq order; `nextCursor` is null on the last page. */
    async query(filter: AuditEventFilter, limit: number) {
      const rows = await store.listEvents(filter, limit + 1);
      const events = rows.slice(0, limit).map(fromEventRow);
      const last = events.at(-1);
      return { events, nextCursor: rows.length > limit && last !== undefined ? last.seq : null };
    },
    prune: maintenance.prune,
    /** The configured sinks (their `catchUp` ships everything committed so far, now). */
    sinks: sinks as readonly SinkRunner[],
    isHealthy: health.isHealthy,
    pending: queue.pending,
    /** Loads (or creates) the checkpoint signing key and starts the maintenance timer; call once unsealed. */
    async start(): Promise<void> {
      await signer.init();
      await maintenance.resume();
      for (const sink of sinks) sink.start();
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
      await Promise.all(sinks.map((sink) => sink.stop()));
      await mirror?.catchUp().catch((error: unknown) => logger.error({ err: error }, 'audit mirror failed'));
    },
  };
}

export type AuditTrail = ReturnType<typeof createAuditTrail>;
