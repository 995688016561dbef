/**
 * Optional mirror of the audit trail to a JSONL file (one chained event per line in the published wire form, as
 * `strongroom audit export` writes them: docs/audit.md), for shipping to a SIEM or another host.
 * Invariants: only committed events are mirrored (they are read back from the database, never taken from a
 * pending batch), in seq order, each once per process: on start the mirror resumes after the last seq already in
 * the file; the file is created owner-only (0600). The mirror is a copy, not the record: a failure to write it
 * is reported and retried, and never fails a request.
 */
import fs from 'node:fs/promises';
import { type ChainedEvent, toWireEvent } from '../../audit/index.js';

const PAGE = 1000;
const TAIL_BYTES = 64 * 1024;

/** One JSONL line for a chained event, in the published wire form (shared with `strongroom audit export`). */
export function toJsonlLine(event: ChainedEvent): string {
  return `${JSON.stringify(toWireEvent(event))}\n`;
}

async function lastSeqInFile(file: string): Promise<number> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').filter(Boolean);
    const last = lines.at(-1);
    if (last === undefined) return 0;
    const seq = (JSON.parse(last) as { seq?: unknown }).seq;
    return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : 0;
  } finally {
    await handle.close();
  }
}

export function createJsonlMirror(deps: {
  file: string;
  /** Committed events after `afterSeq`, in seq order, at most `limit`. */
  readAfter(afterSeq: number, limit: number): Promise<ChainedEvent[]>;
}) {
  let lastSeq: number | null = null;
  let running: Promise<void> | null = null;

  async function run(): Promise<void> {
    lastSeq ??= await lastSeqInFile(deps.file);
    for (;;) {
      const events = await deps.readAfter(lastSeq, PAGE);
      if (events.length === 0) return;
      await fs.appendFile(deps.file, events.map(toJsonlLine).join(''), { mode: 0o600 });
      lastSeq = events.at(-1)?.seq ?? lastSeq;
      if (events.length < PAGE) return;
    }
  }

  return {
    /** Appends every committed event not yet mirrored; concurrent calls share one run. */
    catchUp(): Promise<void> {
      running ??= run().finally(() => {
        running = null;
      });
      return running;
    },
  };
}

export type JsonlMirror = ReturnType<typeof createJsonlMirror>;
