/**
 * Runs key rotation jobs in the background, in batches, while the server keeps serving.
 * Invariants:
 * - One process at a time runs a job: it holds the job's lease (a conditional UPDATE, renewed by every batch); a
 *   batch commits only while its lease holds, so two processes never both advance a job.
 * - Progress is committed in the transaction of the batch it describes: after a crash (even SIGKILL) the job
 *   resumes from its last committed cursor, and at most one uncommitted batch is done again.
 * - Old versions are retired only when nothing depends on them: when a pass ends the job recounts (writers that
 *   raced the job may have left some), passes again if needed, and retires in the transaction that counted zero,
 *   no earlier than `settleMs` after the job began (so that a write begun before the rotation has ended).
 * - Pauses between batches leave the database and CPU to requests.
 * Threats addressed: a value made unreadable by a crash or a race during rotation. Not addressed: a value that
 * cannot be decrypted at all (the job fails and the old versions stay live).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log.js';
import type { KeyJobKind, KeyJobRow, Stores, Transactor } from '../../storage/index.js';
import type { JobHandler } from './job-handler.js';

const MAX_CONSECUTIVE_FAILURES = 3;
const RETRY_DELAY_MS = 1000;

export interface KeyJobRunnerOptions {
  batchSize: number;
  pauseMs: number;
  leaseMs: number;
  settleMs: number;
}

class LeaseLost extends Error {
  override name = 'LeaseLost';
}

export function createKeyJobRunner(
  deps: {
    transactor: Transactor;
    stores: Pick<Stores, 'keyJobs'>;
    handlers: Record<KeyJobKind, JobHandler>;
    isSealed: () => boolean;
    clock: () => number;
    logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  } & KeyJobRunnerOptions,
) {
  const owner = randomUUID();
  const pollMs = Math.min(5000, deps.leaseMs);
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let active: Promise<void> | null = null;
  let wakeRequested = false;
  let interruptSleep: (() => void) | null = null;

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        interruptSleep = null;
        resolve();
      }
      interruptSleep = done;
    });
  }

  function schedule(ms: number): void {
    if (stopped) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  }

  function tick(): void {
    timer = null;
    if (stopped) return;
    if (active !== null) {
      wakeRequested = true;
      return;
    }
    active = poll()
      .catch((err: unknown) => deps.logger.error({ err }, 'key job poll failed'))
      .finally(() => {
        active = null;
        schedule(wakeRequested ? 0 : pollMs);
        wakeRequested = false;
      });
  }

  async function poll(): Promise<void> {
    if (deps.isSealed()) return;
    for (const job of await deps.stores.keyJobs.listRunning()) {
      if (stopped) return;
      const now = deps.clock();
      if (!(await deps.stores.keyJobs.claim(job.id, owner, now, now + deps.leaseMs))) continue;
      await run(job);
    }
  }

  async function run(job: KeyJobRow): Promise<void> {
    const handler = deps.handlers[job.kind];
    let { cursor, done, total } = job;
    let failures = 0;
    deps.logger.info(
      { jobId: job.id, kind: job.kind, cursor: cursor === '' ? null : 'resumed' },
      'key job running',
    );
    try {
      await handler.prepare(job);
      while (!stopped) {
        try {
          let committed: { cursor: string; done: number; total: number } | null = null;
          const passed = await handler.batch(job, cursor, deps.batchSize, async (stores, next, count) => {
            const now = deps.clock();
            const progress = { cursor: next, done: done + count, total: Math.max(total, done + count) };
            const held = await stores.keyJobs.advance(job.id, owner, {
              ...progress,
              now,
              leaseUntil: now + deps.leaseMs,
            });
            if (!held) throw new LeaseLost();
            committed = progress;
          });
          failures = 0;
          if (passed > 0 && committed !== null) {
            ({ cursor, done, total } = committed);
            await sleep(deps.pauseMs);
            continue;
          }
          const step = await finishPass(handler, job, { done, total });
          if (step.next === 'done') {
            await handler.afterRetire(job);
            deps.logger.info({ jobId: job.id, kind: job.kind, done: step.done }, 'key job completed');
            return;
          }
          cursor = '';
          total = step.total;
          await sleep(step.next === 'wait' ? Math.min(1000, deps.settleMs) : Math.max(deps.pauseMs, 100));
        } catch (err) {
          if (err instanceof LeaseLost) throw err;
          failures += 1;
          deps.logger.error({ err, jobId: job.id, failures }, 'key job batch failed');
          if (failures >= MAX_CONSECUTIVE_FAILURES) {
            await deps.stores.keyJobs.finish(job.id, owner, {
              status: 'failed',
              done,
              now: deps.clock(),
              error: 'stopped after repeated errors; old key versions stay live',
            });
            return;
          }
          await sleep(RETRY_DELAY_MS);
        }
      }
      await deps.stores.keyJobs.release(job.id, owner);
    } catch (err) {
      if (err instanceof LeaseLost) {
        deps.logger.warn({ jobId: job.id }, 'key job lease lost; another process continues it');
        return;
      }
      throw err;
    }
  }

  /** After a pass: passes again while something depends on an old version, else retires and completes. */
  async function finishPass(
    handler: JobHandler,
    job: KeyJobRow,
    progress: { done: number; total: number },
  ): Promise<{ next: 'again' | 'wait'; total: number } | { next: 'done'; done: number }> {
    return deps.transactor.transaction(async (stores) => {
      const now = deps.clock();
      const left = await handler.remaining(stores, job);
      if (left > 0 || now - job.createdAt < deps.settleMs) {
        const total = Math.max(progress.total, progress.done + left);
        const held = await stores.keyJobs.advance(job.id, owner, {
          cursor: '',
          done: progress.done,
          total,
          now,
          leaseUntil: now + deps.leaseMs,
        });
        if (!held) throw new LeaseLost();
        return { next: left > 0 ? 'again' : 'wait', total };
      }
      await handler.retire(stores, job, now);
      const done = Math.max(progress.done, progress.total);
      const held = await stores.keyJobs.finish(job.id, owner, {
        status: 'completed',
        done,
        now,
        error: null,
      });
      if (!held) throw new LeaseLost();
      return { next: 'done', done };
    });
  }

  return {
    /** Starts polling for running jobs (call once the root key is available). */
    start(): void {
      if (started || stopped) return;
      started = true;
      schedule(0);
    },
    /** Looks for jobs at once (a rotation was just started). */
    wake(): void {
      if (started) schedule(0);
    },
    /** Stops after the current batch and gives the lease up. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      interruptSleep?.();
      await active;
    },
  };
}

export type KeyJobRunner = ReturnType<typeof createKeyJobRunner>;
