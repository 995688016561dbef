/**
 * `strongroom audit verify | export | checkpoints`: offline tools over the configured database (no server, no root
 * key: everything they read is public material or identifiers). They never migrate or write the database.
 * - verify: streams every event in seq order with bounded memory and checks the hash chain against the signed
 *   checkpoints (from `--checkpoints FILE` exported off the host, else from the database); names the first bad seq;
 *   on success prints the head as `head SEQ:HASH` (what `backup restore --expect-head` takes).
 * - export: events in a time range as JSONL on stdout, streamed (for SIEM ingestion).
 * - checkpoints: writes the signed checkpoints and their public keys to a file, to keep off the host.
 */
import { once } from 'node:events';
import fs from 'node:fs/promises';
import type { Config } from '../config.js';
import {
  exportStoredCheckpoints,
  fromEventRow,
  parseCheckpointExport,
  toJsonlLine,
  verifyStoredChain,
} from '../services/audit/index.js';
import { type AuditStore, createPersistence, openDatabase } from '../storage/index.js';

const EXPORT_PAGE = 2000;

async function withDatabase<T>(config: Readonly<Config>, work: (store: AuditStore) => Promise<T>) {
  const database = await openDatabase(config);
  try {
    return await work(createPersistence(database).stores.audit);
  } finally {
    await database.close();
  }
}

/** Verifies the stored chain; returns the process exit code (0 intact, 1 tampered or unverifiable). */
export async function auditVerify(
  config: Readonly<Config>,
  flags: { checkpoints?: string },
  print: (line: string) => void,
): Promise<number> {
  const trusted =
    flags.checkpoints === undefined
      ? undefined
      : parseCheckpointExport(await fs.readFile(flags.checkpoints, 'utf8'));
  const verdict = await withDatabase(config, (store) => verifyStoredChain(store, trusted));
  const source = flags.checkpoints === undefined ? 'the database' : flags.checkpoints;
  if (verdict.ok) {
    const range =
      verdict.count === 0 ? 'no events' : `seq ${verdict.from}..${verdict.from + verdict.count - 1}`;
    print(`audit trail intact: ${verdict.count} events (${range})`);
    // The form `backup restore|replay-erasures --expect-head` takes.
    print(`head ${verdict.from + verdict.count - 1}:${verdict.headHash}`);
    print(`checked against ${verdict.checkpoints} signed checkpoints from ${source}`);
    if (verdict.from > 1)
      print(`events before seq ${verdict.from} were removed by retention (anchored by a checkpoint)`);
    return 0;
  }
  const where = verdict.firstBadSeq === null ? '' : ` at seq ${verdict.firstBadSeq}`;
  print(`audit trail verification FAILED: ${verdict.problem}${where}`);
  return 1;
}

function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`--${name} must be an ISO 8601 time`);
  return ms;
}

/** Streams events with since <= time < until to `out` as JSONL, in seq order. */
export async function auditExport(
  config: Readonly<Config>,
  flags: { since?: string; until?: string; format?: string },
  out: NodeJS.WritableStream,
): Promise<number> {
  if ((flags.format ?? 'jsonl') !== 'jsonl') throw new Error('--format must be jsonl');
  const since = parseTime(flags.since, 'since');
  if (since === undefined) throw new Error('--since is required');
  const until = parseTime(flags.until, 'until');
  return withDatabase(config, async (store) => {
    let afterSeq = Number.MIN_SAFE_INTEGER;
    let count = 0;
    for (;;) {
      const rows = await store.listEvents(
        { since, ...(until === undefined ? {} : { until }), afterSeq },
        EXPORT_PAGE,
      );
      if (rows.length === 0) return count;
      const chunk = rows.map((row) => toJsonlLine(fromEventRow(row))).join('');
      if (!out.write(chunk)) await once(out, 'drain');
      count += rows.length;
      afterSeq = Number(rows.at(-1)?.seq);
      if (rows.length < EXPORT_PAGE) return count;
    }
  });
}

/** Writes the checkpoint export (public keys, signed heads, pruning anchor) to `file`. */
export async function auditCheckpoints(config: Readonly<Config>, file: string): Promise<number> {
  const exported = await withDatabase(config, (store) => exportStoredCheckpoints(store));
  await fs.writeFile(file, `${JSON.stringify(exported, null, 2)}\n`, { mode: 0o600 });
  return exported.checkpoints.length;
}
