/**
 * One job, run by the process that holds its lease: batches until a pass finds nothing left, then the retirement.
 * Invariants (see job-runner.ts): every batch and the pass's end commit only while the lease holds; a lost lease
 * is an answer (LEASE_LOST), never an exception, and ends this process's run without touching the job again;
 * repeated failures fail the job and leave the old versions live.
 */
import type { Logger } from '../../log.js';
import { type KeyJobRow, rollBack, type Stores, type Transactor } from '../../storage/index.js';
import { type CommitProgress, type JobHandler, LEASE_LOST } from './job-handler.js';

const MAX_CONSECUTIVE_FAILURES = 3;
const RETRY_DELAY_MS = 1000;

export interface JobRunContext {
  transactor: Transactor;
  stores: Pick<Stores, 'keyJobs'>;
  clock: () => number;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  batchSize: number;
  pauseMs: number;
  leaseMs: number;
  settleMs: number;
  /** This process's lease owner id. */
  owner: string;
  isStopped: () => boolean;
  sleep: (ms: number) => Promise<void>;
}

interface Progress {
  cursor: string;
  done: number;
  total: number;
}

type PassEnd =
  | { next: 'again' | 'wait'; total: number }
  | { next: 'done'; done: number }
  | { next: typeof LEASE_LOST };

/** After a pass: passes again while something depends on an old version, else retires and completes. */
async function finishPass(
  ctx: JobRunContext,
  handler: JobHandler,
  job: KeyJobRow,
  progress: { done: number; total: number },
): Promise<PassEnd> {
  return ctx.transactor.transaction<PassEnd>(async (stores) => {
    const now = ctx.clock();
    const left = await handler.remaining(stores, job);
    if (left > 0 || now - job.createdAt < ctx.settleMs) {
      const total = Math.max(progress.total, progress.done + left);
      const held = await stores.keyJobs.advance(job.id, ctx.owner, {
        cursor: '',
        done: progress.done,
        total,
        now,
        leaseUntil: now + ctx.leaseMs,
      });
      return held ? { next: left > 0 ? 'again' : 'wait', total } : rollBack({ next: LEASE_LOST });
    }
    await handler.retire(stores, job, now);
    const done = Math.max(progress.done, progress.total);
    const held = await stores.keyJobs.finish(job.id, ctx.owner, {
      status: 'completed',
      done,
      now,
      error: null,
    });
    return held ? { next: 'done', done } : rollBack({ next: LEASE_LOST });
  });
}

/** Runs one batch; the progress it committed, 'pass-over' when there was nothing left, or LEASE_LOST. */
async function runBatch(
  ctx: JobRunContext,
  handler: JobHandler,
  job: KeyJobRow,
  at: Progress,
): Promise<Progress | 'pass-over' | typeof LEASE_LOST> {
  let committed: Progress | null = null;
  const commit: CommitProgress = async (stores, next, count) => {
    const now = ctx.clock();
    const progress = { cursor: next, done: at.done + count, total: Math.max(at.total, at.done + count) };
    const held = await stores.keyJobs.advance(job.id, ctx.owner, {
      ...progress,
      now,
      leaseUntil: now + ctx.leaseMs,
    });
    if (held) committed = progress;
    return held;
  };
  const passed = await handler.batch(job, at.cursor, ctx.batchSize, commit);
  if (passed === LEASE_LOST) return LEASE_LOST;
  return passed > 0 && committed !== null ? committed : 'pass-over';
}

/** Runs `job` until it completes, fails, loses its lease or the runner stops (then the lease is given up). */
export async function runJob(ctx: JobRunContext, handler: JobHandler, job: KeyJobRow): Promise<void> {
  let at: Progress = { cursor: job.cursor, done: job.done, total: job.total };
  let failures = 0;
  const leaseLost = () =>
    ctx.logger.warn({ jobId: job.id }, 'key job lease lost; another process continues it');
  ctx.logger.info(
    { jobId: job.id, kind: job.kind, cursor: at.cursor === '' ? null : 'resumed' },
    'key job running',
  );
  await handler.prepare(job);
  while (!ctx.isStopped()) {
    try {
      const batch = await runBatch(ctx, handler, job, at);
      if (batch === LEASE_LOST) return leaseLost();
      failures = 0;
      if (batch !== 'pass-over') {
        at = batch;
        await ctx.sleep(ctx.pauseMs);
        continue;
      }
      const step = await finishPass(ctx, handler, job, at);
      if (step.next === LEASE_LOST) return leaseLost();
      if (step.next === 'done') {
        await handler.afterRetire(job);
        ctx.logger.info({ jobId: job.id, kind: job.kind, done: step.done }, 'key job completed');
        return;
      }
      at = { ...at, cursor: '', total: step.total };
      await ctx.sleep(step.next === 'wait' ? Math.min(1000, ctx.settleMs) : Math.max(ctx.pauseMs, 100));
    } catch (err) {
      failures += 1;
      ctx.logger.error({ err, jobId: job.id, failures }, 'key job batch failed');
      if (failures >= MAX_CONSECUTIVE_FAILURES) {
        await ctx.stores.keyJobs.finish(job.id, ctx.owner, {
          status: 'failed',
          done: at.done,
          now: ctx.clock(),
          error: 'stopped after repeated errors; old key versions stay live',
        });
        return;
      }
      await ctx.sleep(RETRY_DELAY_MS);
    }
  }
  await ctx.stores.keyJobs.release(job.id, ctx.owner);
}
