/**
 * Child process of the audit verify benchmark: verifies the chain in one SQLite database (as
 * `strongroom audit verify` does) and prints one JSON line with the event count, elapsed time and peak RSS.
 * A fresh process per size, so the peak RSS belongs to this verification alone.
 */
import { performance } from 'node:perf_hooks';
import { verifyStoredChain } from '../src/services/audit/index.js';
import { createPersistence, openDatabase } from '../src/storage/index.js';

async function main(): Promise<void> {
  const sqlitePath = process.argv[2];
  if (sqlitePath === undefined) throw new Error('usage: audit-verify-child <sqlite file>');
  const database = await openDatabase({ databaseUrl: null, databaseSchema: null, sqlitePath });
  const started = performance.now();
  const verdict = await verifyStoredChain(createPersistence(database).stores.audit);
  const ms = performance.now() - started;
  await database.close();
  if (!verdict.ok) throw new Error(`verification failed: ${verdict.problem} at ${verdict.firstBadSeq}`);
  // maxRSS is in kilobytes.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ events: verdict.count, ms, peakRssMb })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
