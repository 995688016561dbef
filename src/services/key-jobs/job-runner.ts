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
import type { KeyJobKind, Stores, Transactor } from '../../storage/index.js';
import type { JobHandler } from './job-handler.js';
import { type JobRunContext, runJob } from './run-job.js';

export interface KeyJobRunnerOptions {
  batchSize: number;
  pauseMs: number;
  leaseMs: number;
  settleMs: number;
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

  const context: JobRunContext = {
    ...deps,
    owner,
    isStopped: () => stopped,
    sleep: (ms) => sleep(ms),
  };

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
      await runJob(context, deps.handlers[job.kind], job);
    }
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
