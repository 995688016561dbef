/**
 * One audit sink: ships committed events, in seq order, to a receiver, at least once.
 * Invariants:
 * - Only committed events are shipped: they are read back from the database after the cursor, never taken from
 *   a pending batch. The cursor (seq and hash of the last event shipped) lives in the database
 *   (`audit_sink_cursors`), so a restart resumes after it; it moves only after the receiver confirmed the batch.
 * - Order: one batch at a time, each in seq order; a failed batch is sent again, whole, until it is confirmed
 *   (backing off up to `retryMaxMs`), and nothing after it is sent before. A receiver may see an event twice
 *   (after a failure it did not report as delivered), never out of order, never with a gap it cannot explain.
 * - Gaps: every shipped event carries `prev_hash` and `hash`; events a sink filter leaves out are replaced by one
 *   `skipped` marker per run, naming their seqs and the last one's hash, so the receiver checks the chain across.
 * - A sink never fails a request nor holds the trail up: it runs on its own timer, reports an outage once
 *   (warn) and its recovery (info).
 * - One node at a time ships a sink (several nodes share one database): the runner holds the sink's lease
 *   (storage/audit-sink-leases.ts), renewed before every batch for `leaseMs`, and sends a batch only when the
 *   send, bounded by `timeoutMs`, ends at least SKEW_MS before that lease would expire. A node that cannot renew
 *   (another took the lease, or the database does not answer) therefore sends nothing more, and has stopped
 *   sending before any other node can take the lease over; the new holder starts after the stored cursor. So a
 *   receiver sees batches in seq order, and duplicates only around a takeover (at most the batch whose cursor
 *   the old holder had not yet moved), which it drops by `seq`.
 * Threat not addressed: clocks that disagree by more than SKEW_MS (run NTP), or a process paused mid-send for
 * longer than the margin (the receiver's dedupe by `seq` and `prev_hash` still shows it).
 */
import { randomUUID } from 'node:crypto';
import { type ChainedEvent, toWireEvent } from '../../audit/index.js';
import type { Logger } from '../../log.js';
import type { AuditStore } from '../../storage/index.js';
import { fromEventRow } from './event-row.js';
import type { SinkItem } from './sink-message.js';

const POLL_MS = 1000;
const FIRST_RETRY_MS = 100;
/** How far nodes' clocks may disagree: a holder stops sending this long before its lease ends. */
export const SKEW_MS = 1000;

export interface SinkRunnerDeps {
  name: string;
  store: Pick<
    AuditStore,
    'listEvents' | 'readSinkCursor' | 'advanceSinkCursor' | 'claimSinkLease' | 'releaseSinkLease'
  >;
  send: (items: SinkItem[]) => Promise<void>;
  /** True for events this sink does not ship (sink-filter.ts). */
  skips: (event: ChainedEvent) => boolean;
  batchSize: number;
  retryMaxMs: number;
  /** Longest a send may take (the transports enforce it); must leave SKEW_MS inside `leaseMs`. */
  timeoutMs: number;
  /** How long a claim of the sink's lease holds. */
  leaseMs: number;
  clock: () => number;
  logger: Pick<Logger, 'warn' | 'info'>;
}

/** The items of `events`: each shipped event, and one marker per run of skipped ones. */
export function toSinkItems(
  events: readonly ChainedEvent[],
  skips: (e: ChainedEvent) => boolean,
): SinkItem[] {
  const items: SinkItem[] = [];
  for (const event of events) {
    if (!skips(event)) {
      items.push(toWireEvent(event));
      continue;
    }
    const last = items.at(-1);
    if (last !== undefined && 'skipped' in last && last.skipped.to_seq === event.seq - 1) {
      last.skipped.to_seq = event.seq;
      last.skipped.hash = event.hash;
    } else {
      items.push({ skipped: { from_seq: event.seq, to_seq: event.seq, hash: event.hash } });
    }
  }
  return items;
}

export function createSinkRunner(deps: SinkRunnerDeps) {
  if (deps.leaseMs <= deps.timeoutMs + SKEW_MS)
    throw new RangeError('leaseMs must exceed timeoutMs + SKEW_MS');
  const holder = randomUUID();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = true;
  let failures = 0;
  /** Until when (this node's clock) the lease it holds runs; 0 while it holds none. */
  let leaseUntil = 0;

  /** Takes or renews the lease; false when another node holds it. */
  async function holdLease(): Promise<boolean> {
    const now = deps.clock();
    const until = now + deps.leaseMs;
    const held = await deps.store.claimSinkLease(deps.name, holder, now, until);
    if (held && leaseUntil === 0)
      deps.logger.info({ sink: deps.name }, 'audit sink lease taken: this node ships it');
    if (!held && leaseUntil !== 0)
      deps.logger.warn({ sink: deps.name }, 'audit sink lease lost to another node');
    leaseUntil = held ? until : 0;
    return held;
  }

  /** True while a send started now would end (at its timeout) SKEW_MS before the lease does. */
  const maySend = () => deps.clock() + deps.timeoutMs + SKEW_MS <= leaseUntil;

  /**
   * Ships one batch after the stored cursor; resolves to the number of events it covered (0: none left), or null
   * when this node does not hold the lease (another ships) or it has run too short to send.
   */
  async function shipBatch(): Promise<number | null> {
    if (!(await holdLease())) return null;
    const cursor = await deps.store.readSinkCursor(deps.name);
    const rows = await deps.store.listEvents({ afterSeq: cursor?.seq ?? 0 }, deps.batchSize);
    if (rows.length === 0) return 0;
    // The database was slow: what is left of the lease may not cover a whole send. Renew first.
    if (!maySend()) return null;
    const events = rows.map(fromEventRow);
    await deps.send(toSinkItems(events, deps.skips));
    const last = events.at(-1) as ChainedEvent;
    await deps.store.advanceSinkCursor(deps.name, last.seq, last.hash, deps.clock());
    return events.length;
  }

  /**
   * Ships everything committed so far, if this node holds (or can take) the lease; rejects with the first failure
   * (the cursor stays where it was).
   */
  function catchUp(): Promise<number> {
    running ??= (async () => {
      let total = 0;
      for (;;) {
        const shipped = await shipBatch();
        if (shipped === null) return total;
        total += shipped;
        if (shipped < deps.batchSize) return total;
      }
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(ms: number): void {
    if (stopped) return;
    timer = setTimeout(() => void round(), ms);
    timer.unref();
  }

  async function round(): Promise<void> {
    try {
      await catchUp();
      if (failures > 0) deps.logger.info({ sink: deps.name }, 'audit sink delivering again');
      failures = 0;
      schedule(POLL_MS);
    } catch (error) {
      if (failures === 0)
        deps.logger.warn({ err: error, sink: deps.name }, 'audit sink cannot deliver; retrying');
      failures++;
      schedule(Math.min(deps.retryMaxMs, FIRST_RETRY_MS * 2 ** Math.min(failures, 16)));
    }
  }

  return {
    name: deps.name,
    catchUp,
    /** Starts shipping on its own timer. */
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    /** Stops the timer, waits for a batch in flight, and gives the lease up so another node ships at once. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
      if (leaseUntil === 0) return;
      leaseUntil = 0;
      await deps.store
        .releaseSinkLease(deps.name, holder, deps.clock())
        .catch((error: unknown) =>
          deps.logger.warn({ err: error, sink: deps.name }, 'audit sink lease not released; it expires'),
        );
    },
  };
}

export type SinkRunner = ReturnType<typeof createSinkRunner>;
