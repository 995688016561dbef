/**
 * The erasure log a restore replays: the audit events recorded since the backup, as JSONL in the published wire
 * form (`strongroom audit export`, the JSONL mirror, or a SIEM's copy), kept outside the database being restored.
 * Invariants: the log must continue the backup's own audit chain: it holds the backup's head event (same seq and
 * hash) or the event right after it (linked to the head's hash), and every later event is intact (its hash
 * recomputed) and linked to the one before, with no seq missing; and its last event must be exactly the expected
 * head (`--expect-head SEQ:HASH`), which the operator takes from the live trail (`strongroom audit verify` prints
 * it), a channel the log's writer does not control. Every event's hash covers the previous hash, so a log linked
 * from the backup's head (authenticated by the backup's AEAD) to the true live head is the true sequence of events.
 * Threats addressed: restoring a backup "under" an erasure made after it (data the subject had erased coming
 * back); a log of another chain (also against a backup taken before any event, seq 0); a log cut short; a log
 * rewritten by anyone who can write the file: the chain is unkeyed, so an erasure's outcome flipped to `denied`,
 * an event dropped or a `collection.drop` inserted, with every later hash recomputed, makes a self-consistent log,
 * and only its final hash differing from the expected head shows it.
 * Not addressed: an expected head itself taken from a tampered source (take it from the live deployment, or from
 * a checkpoint export kept off the host).
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { fromWireEvent, GENESIS_HASH, isIntactEvent, type WireEvent } from '../../audit/index.js';
import { AppError } from '../../errors.js';
import { addReplayEvent, emptyReplayItems, type ReplayItems } from './replay-items.js';

/** What the log says to replay (replay-items.ts), the events after the backup's head, and the seq of the last. */
export interface ErasureLog extends ReplayItems {
  events: number;
  lastSeq: number;
}

/** A position in the audit chain: the seq of an event and its hash (`audit verify` prints it as `SEQ:HASH`). */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** Parses `SEQ:HASH` as `strongroom audit verify` prints the head; null when `text` is not one. */
export function parseAuditHead(text: string): AuditHead | null {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (match === null) return null;
  return { seq: Number(match[1]), hash: match[2] as string };
}

const invalid = (message: string) =>
  new AppError('BACKUP_ERASURE_LOG_INVALID', { field: 'erasures', message });

/**
 * Reads and checks the log in `file` against the backup's audit head `head` and the live trail's head `expected`
 * (the log must end exactly there); throws BACKUP_ERASURE_LOG_INVALID.
 */
export async function readErasureLog(
  file: string,
  head: AuditHead,
  expected: AuditHead,
): Promise<ErasureLog> {
  let stream: fs.ReadStream;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    stream = fs.createReadStream(file, { encoding: 'utf8' });
  } catch (error) {
    throw invalid(`cannot read the erasure log ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  const log: ErasureLog = { ...emptyReplayItems(), events: 0, lastSeq: head.seq };
  let reachesHead = head.seq === 0;
  let prevHash = head.seq === 0 ? GENESIS_HASH : head.hash;
  let line = 0;
  for await (const text of readline.createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    line += 1;
    if (text.trim() === '') continue;
    let event: ReturnType<typeof fromWireEvent>;
    try {
      event = fromWireEvent(JSON.parse(text) as WireEvent);
    } catch {
      throw invalid(`line ${line} of the erasure log is not an audit event`);
    }
    if (!isIntactEvent(event)) throw invalid(`line ${line}: the event does not match its hash`);
    if (event.seq < head.seq) continue;
    if (event.seq === head.seq) {
      if (event.hash !== head.hash)
        throw invalid(`seq ${head.seq} is not the backup's audit head: another chain`);
      reachesHead = true;
      continue;
    }
    if (event.seq !== log.lastSeq + 1 || event.prevHash !== prevHash) {
      const where = log.events === 0 ? `the backup's audit head (seq ${head.seq})` : `seq ${log.lastSeq}`;
      throw invalid(
        `the erasure log does not continue ${where} at line ${line}: export it from before the backup`,
      );
    }
    reachesHead = true;
    prevHash = event.hash;
    log.lastSeq = event.seq;
    log.events += 1;
    const problem = addReplayEvent(log, event);
    if (problem !== null) throw invalid(problem);
  }
  if (!reachesHead)
    throw invalid(
      `the erasure log does not reach the backup's audit head (seq ${head.seq}): export it with --since before the backup's time`,
    );
  const last = log.events === 0 ? head : { seq: log.lastSeq, hash: prevHash };
  if (last.seq !== expected.seq || last.hash !== expected.hash)
    throw invalid(
      last.seq === expected.seq
        ? `the erasure log's last event (seq ${last.seq}) is not the expected head: the log was rewritten, or is of another deployment`
        : `the erasure log ends at seq ${last.seq}, not at the expected head (seq ${expected.seq}): it was cut short or rewritten, or the trail moved on since; export it again and take the head (\`audit verify\`) with no event in between`,
    );
  return log;
}
