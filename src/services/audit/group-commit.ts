/**
 * Group commit: many callers' items are written together, one transaction per batch, and each caller's promise
 * settles only once its batch's write has finished (committed, or failed).
 * Invariants: at most one batch is being written at a time, so batches reach storage in the order items were
 * queued; a batch holds at most `batchSize` items; the queue holds at most `maxQueued` items, beyond which
 * `submit` rejects at once (`onOverflow`) rather than letting memory or latency grow without bound; a failed
 * write rejects every item of that batch and only that batch.
 */

export interface GroupCommitOptions<T> {
  /** Writes one batch durably; rejecting fails every item of the batch. */
  write(items: T[]): Promise<void>;
  batchSize: number;
  maxQueued: number;
  /** Extra milliseconds to wait for more items before writing an idle queue (0: next turn of the event loop). */
  flushDelayMs: number;
  onOverflow(): Error;
  /** Told how long each batch's write took and whether it committed (the metrics' commit latency). */
  onWritten?(seconds: number, ok: boolean): void;
}

export interface GroupCommit<T> {
  submit(item: T): Promise<void>;
  /** Resolves once everything queued so far has been written (or failed). */
  drain(): Promise<void>;
  pending(): number;
}

interface Entry<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

export function createGroupCommit<T>(options: GroupCommitOptions<T>): GroupCommit<T> {
  if (options.batchSize < 1 || options.maxQueued < 1)
    throw new RangeError('group commit: sizes must be positive');
  let queue: Entry<T>[] = [];
  let writing: Promise<void> | null = null;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || writing !== null || queue.length === 0) return;
    scheduled = true;
    const run = () => {
      scheduled = false;
      writing = writeNext().finally(() => {
        writing = null;
        schedule();
      });
    };
    if (options.flushDelayMs > 0 && queue.length < options.batchSize) setTimeout(run, options.flushDelayMs);
    else setImmediate(run);
  };

  async function writeNext(): Promise<void> {
    const batch = queue.slice(0, options.batchSize);
    queue = queue.slice(batch.length);
    const started = performance.now();
    try {
      await options.write(batch.map((e) => e.item));
    } catch (error) {
      options.onWritten?.((performance.now() - started) / 1000, false);
      for (const entry of batch) entry.reject(error);
      return;
    }
    options.onWritten?.((performance.now() - started) / 1000, true);
    for (const entry of batch) entry.resolve();
  }

  return {
    submit(item) {
      if (queue.length >= options.maxQueued) return Promise.reject(options.onOverflow());
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    async drain() {
      while (writing !== null || queue.length > 0 || scheduled) {
        if (writing !== null) await writing.catch(() => undefined);
        else await new Promise((r) => setImmediate(r));
      }
    },
    pending: () => queue.length,
  };
}
