/**
 * Periodic work of a running node. Timers are unref'd (they never keep the process alive) and every failure is
 * logged, never thrown: a missed round is retried at the next tick.
 */
import type { Logger } from '../log.js';

export interface MaintenanceTask {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/** Starts each task on its interval; returns the function that stops them all. */
export function startMaintenance(tasks: readonly MaintenanceTask[], logger: Logger): () => void {
  const timers = tasks.map((task) => {
    const timer = setInterval(() => {
      task.run().catch((err: unknown) => logger.error({ err, task: task.name }, `${task.name} failed`));
    }, task.everyMs);
    timer.unref();
    return timer;
  });
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
