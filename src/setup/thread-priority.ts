/**
 * Lowers the CPU priority of every thread of this process except the main (event-loop) thread, on Linux.
 * Why: password hashing runs on libuv pool threads and is designed to use all cores. At equal priority a login
 * flood leaves the event loop a fraction of a core, and every other request (health checks, token-authenticated
 * reads) waits behind it. At a lower priority the hashing threads still use every idle cycle, but the event loop
 * runs first whenever it has work. The pool must already exist (libuv starts all its threads on first use), so
 * call this after the first hash. Elsewhere (no /proc/self/task) it does nothing.
 */
import fs from 'node:fs';
import os from 'node:os';

export const WORKER_NICENESS = 10;

/** Returns how many threads were deprioritized. */
export function deprioritizeWorkerThreads(niceness = WORKER_NICENESS): number {
  let tasks: string[];
  try {
    tasks = fs.readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  let changed = 0;
  for (const task of tasks) {
    const tid = Number(task);
    // On Linux the main thread's id is the process id; setpriority(PRIO_PROCESS, tid) affects that thread only.
    if (!Number.isInteger(tid) || tid === process.pid) continue;
    try {
      os.setPriority(tid, niceness);
      changed++;
    } catch {
      // A thread that exited meanwhile.
    }
  }
  return changed;
}
