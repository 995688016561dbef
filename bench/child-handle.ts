/**
 * Parent side of a benchmark child: forks `child.js` with its own libuv threadpool size and calls it over IPC.
 * Servers run in children so the load generator never shares an event loop with the server it measures.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildKind, ChildMessage, ChildReply, ChildRequest, ChildResults } from './ipc.js';

export interface BenchChild {
  call<K extends ChildKind>(request: Extract<ChildRequest, { kind: K }>): Promise<ChildResults[K]>;
  /** Asks the child to stop its server and exit; kills it if it has not exited within `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

const CHILD_SCRIPT = fileURLToPath(new URL('./child.js', import.meta.url));

/** Forks a benchmark child whose libuv threadpool has `threadpoolSize` threads. */
export function startChild(threadpoolSize: number): BenchChild {
  // The threadpool is sized when it is first used, so the variable must be in the child's environment at start.
  const child: ChildProcess = fork(CHILD_SCRIPT, [], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(threadpoolSize) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  child.on('message', (message: ChildReply) => {
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`benchmark child failed: ${message.error}`));
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`benchmark child exited (${code ?? signal})`));
    pending.clear();
  });

  function call<K extends ChildKind>(request: Extract<ChildRequest, { kind: K }>): Promise<ChildResults[K]> {
    const id = nextId++;
    return new Promise<ChildResults[K]>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const message: ChildMessage = { id, request };
      child.send(message);
    });
  }

  return {
    call,
    async close(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      call({ kind: 'stop' }).catch(() => undefined);
      await exited;
      clearTimeout(timer);
    },
  };
}
