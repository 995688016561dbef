/**
 * The erasure log a restore replays: the audit events recorded since the backup, as JSONL in the published wire
 * form (`strongroom audit export`, the JSONL mirror, or a SIEM's copy), kept outside the database being restored.
 * Invariants: the log must continue the backup's own audit chain: it holds the backup's head event (same seq and
 * hash) or the event right after it (linked to the head's hash), and every later event is intact (its hash
 * recomputed) and linked to the one before, with no seq missing. So a log of another deployment, one with a gap
 * after the backup, or one edited without recomputing every later hash is refused, and the erasures it lists are
 * all those recorded between the backup and its last event.
 * Threats addressed: restoring a backup "under" an erasure made after it (data the subject had erased coming
 * back); a log from another chain silently replaying nothing. Not addressed: a log cut short at its end (the
 * unkeyed chain cannot show that without a later signed checkpoint): export it from the live trail right before
 * restoring, and compare its last seq (printed by the restore) with the live head.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { fromWireEvent, GENESIS_HASH, isIntactEvent, type WireEvent } from '../../audit/index.js';
import { AppError } from '../../errors.js';

export interface ErasureLog {
  /** Subject HMACs (the subjects table's base64url form) erased after the backup, in order. */
  subjects: string[];
  /** Collections dropped after the backup, by name, in order. */
  collections: string[];
  /** Events after the backup's head, and the seq of the last. */
  events: number;
  lastSeq: number;
}

const invalid = (message: string) =>
  new AppError('BACKUP_ERASURE_LOG_INVALID', { field: 'erasures', message });

function subjectOf(event: ReturnType<typeof fromWireEvent>): string | null {
  if (typeof event.subject === 'string' && /^hmac:[0-9a-f]{64}$/.test(event.subject))
    return Buffer.from(event.subject.slice(5), 'hex').toString('base64url');
  // Before issue 13 the erasure event named the subject HMAC as its record id.
  const recordId = event.resource.recordId;
  if (typeof recordId === 'string' && recordId.startsWith('subject:'))
    return recordId.slice('subject:'.length);
  return null;
}

/** Reads and checks the log in `file` against the backup's audit head; throws BACKUP_ERASURE_LOG_INVALID. */
export async function readErasureLog(file: string, head: { seq: number; hash: string }): Promise<ErasureLog> {
  let stream: fs.ReadStream;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    stream = fs.createReadStream(file, { encoding: 'utf8' });
  } catch (error) {
    throw invalid(`cannot read the erasure log ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  const log: ErasureLog = { subjects: [], collections: [], events: 0, lastSeq: head.seq };
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
    if (event.outcome !== 'allowed') continue;
    if (event.action === 'subject.erase') {
      const subject = subjectOf(event);
      if (subject === null) throw invalid(`seq ${event.seq}: an erasure event without its subject`);
      log.subjects.push(subject);
    } else if (event.action === 'collection.drop' && typeof event.resource.collection === 'string') {
      log.collections.push(event.resource.collection);
    }
  }
  if (!reachesHead)
    throw invalid(
      `the erasure log does not reach the backup's audit head (seq ${head.seq}): export it with --since before the backup's time`,
    );
  return log;
}
