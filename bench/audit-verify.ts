/**
 * Benchmark 6: `strongroom audit verify` over 1,000,000 events: events per second, and peak memory, which must stay
 * flat: the same verification over 100,000 events in the same run is the baseline, and the ratio compared is peak
 * RSS at 1M ÷ peak RSS at 100k (target ≤ 1.2). Events are generated straight into SQLite files with the real
 * chain code (no checkpoints: they add one map lookup per event), and each size is verified in a fresh child.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { type AuditEvent, chainEvent, GENESIS_HASH } from '../src/audit/index.js';
import { toEventRow } from '../src/services/audit/event-row.js';
import { migrateToLatest, openDatabase } from '../src/storage/index.js';
import type { BenchResult } from './report.js';

const run = promisify(execFile);
export const AUDIT_VERIFY_TARGET_RSS_RATIO = 1.2;

/** Writes `count` chained events into a fresh, migrated SQLite database at `file`. */
export async function generateAuditEvents(file: string, count: number): Promise<void> {
  const database = await openDatabase({ databaseUrl: null, databaseSchema: null, sqlitePath: file });
  await migrateToLatest(database.db as never);
  await database.close();
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `insert into audit_events (seq, time, occurred_at, actor, action, resource, collection, record_id, purpose,
       outcome, request_id, client_address, prev_hash, hash)
     values (@seq, @time, @occurred_at, @actor, @action, @resource, @collection, @record_id, @purpose,
       @outcome, @request_id, @client_address, @prev_hash, @hash)`,
  );
  const start = Date.parse('2026-01-01T00:00:00Z');
  let prev = GENESIS_HASH;
  const writeBatch = db.transaction((from: number, to: number) => {
    for (let seq = from; seq <= to; seq++) {
      const event: AuditEvent = {
        seq,
        time: new Date(start + seq * 10).toISOString(),
        actor: `user:${(seq * 7919) % 5000}`,
        action: seq % 10 === 0 ? 'record.update' : 'record.read',
        resource: { collection: 'patients', recordId: `r${seq % 100_000}`, fields: ['name', 'email'] },
        purpose: 'support',
        outcome: seq % 50 === 0 ? 'denied' : 'allowed',
        requestId: `req-${seq}`,
        clientAddress: '192.0.2.1',
      };
      const chained = chainEvent(prev, event);
      insert.run(toEventRow(chained));
      prev = chained.hash;
    }
  });
  for (let from = 1; from <= count; from += 10_000) writeBatch(from, Math.min(count, from + 9_999));
  db.prepare('update audit_chain_head set seq = ?, hash = ? where id = 1').run(count, prev);
  db.close();
}

interface VerifyRun {
  events: number;
  ms: number;
  peakRssMb: number;
}

async function verifyInChild(file: string): Promise<VerifyRun> {
  const child = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'audit-verify-child.js');
  const { stdout } = await run(process.execPath, [child, file], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as VerifyRun;
}

/** Generates 100k and 1M events and verifies each in a fresh child: events/s and peak RSS. */
export async function benchAuditVerify(options: {
  workDir: string;
  smallEvents: number;
  largeEvents: number;
  log: (line: string) => void;
}): Promise<BenchResult> {
  const small = path.join(options.workDir, 'audit-small.db');
  const large = path.join(options.workDir, 'audit-large.db');
  let started = Date.now();
  await generateAuditEvents(small, options.smallEvents);
  await generateAuditEvents(large, options.largeEvents);
  options.log(
    `  generated ${options.smallEvents} + ${options.largeEvents} events in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  started = Date.now();
  const a = await verifyInChild(small);
  const b = await verifyInChild(large);
  const ratio = b.peakRssMb / a.peakRssMb;
  return {
    name: 'audit verify peak RSS, 1M vs 100k events',
    measured: { value: b.peakRssMb, unit: 'MB' },
    baseline: { value: a.peakRssMb, unit: 'MB' },
    ratio,
    target: `<= ${AUDIT_VERIFY_TARGET_RSS_RATIO} (flat)`,
    pass: ratio <= AUDIT_VERIFY_TARGET_RSS_RATIO && b.events === options.largeEvents,
    details: {
      'events/s at 1M': (b.events * 1000) / b.ms,
      'events/s at 100k': (a.events * 1000) / a.ms,
      'seconds at 1M': b.ms / 1000,
      'peak RSS MB at 1M': b.peakRssMb,
      'peak RSS MB at 100k': a.peakRssMb,
    },
  };
}
