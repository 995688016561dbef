/**
 * CPU cost per completed operation, from periodic readings of a process's CPU time (all its threads, the libuv
 * pool included) and the completion times of the operations. Unlike a rate, the cost per operation barely
 * changes when other processes on the machine take CPU away, so it still compares two servers on a busy host.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface CpuSample {
  atMs: number;
  cpuMs: number;
}

/** Reads `readCpuMs` every `intervalMs` until `signal` aborts. */
export async function sampleCpu(
  readCpuMs: () => Promise<number> | number,
  intervalMs: number,
  signal: AbortSignal,
): Promise<CpuSample[]> {
  const samples: CpuSample[] = [];
  while (!signal.aborted) {
    const before = performance.now();
    const cpuMs = await readCpuMs();
    samples.push({ atMs: (before + performance.now()) / 2, cpuMs });
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
  return samples;
}

export interface CpuWindow {
  cpuMs: number;
  completed: number;
}

/**
 * CPU time and completions between the first and last samples that fall inside the completions' window, where
 * the work is in steady state (no start-up ramp, no abandoned tail); zero when fewer than two samples fall inside.
 */
export function cpuWindowOf(samples: readonly CpuSample[], completionTimes: readonly number[]): CpuWindow {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const time of completionTimes) {
    first = Math.min(first, time);
    last = Math.max(last, time);
  }
  const inside = samples.filter((s) => s.atMs >= first && s.atMs <= last);
  const start = inside[0];
  const end = inside.at(-1);
  if (start === undefined || end === undefined || start === end) return { cpuMs: 0, completed: 0 };
  const completed = completionTimes.filter((time) => time > start.atMs && time <= end.atMs).length;
  return { cpuMs: end.cpuMs - start.cpuMs, completed };
}

/** CPU milliseconds per completion over several windows taken together; NaN when none completed. */
export function cpuPerCompletion(windows: readonly CpuWindow[]): number {
  const cpuMs = windows.reduce((sum, w) => sum + w.cpuMs, 0);
  const completed = windows.reduce((sum, w) => sum + w.completed, 0);
  return completed > 0 ? cpuMs / completed : Number.NaN;
}

/** Waits until a process uses less than `threshold` of one core over `intervalMs` (at most `timeoutMs`). */
export async function waitForIdle(
  readCpuMs: () => Promise<number>,
  options: { intervalMs?: number; threshold?: number; timeoutMs?: number } = {},
): Promise<void> {
  const intervalMs = options.intervalMs ?? 250;
  const deadline = performance.now() + (options.timeoutMs ?? 30_000);
  let previous = await readCpuMs();
  while (performance.now() < deadline) {
    const started = performance.now();
    await sleep(intervalMs);
    const current = await readCpuMs();
    if (current - previous < (options.threshold ?? 0.1) * (performance.now() - started)) return;
    previous = current;
  }
}
