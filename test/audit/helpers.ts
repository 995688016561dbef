/** Helpers for audit trail tests: reset the trail between cases and tamper with stored events directly. */
import { sql } from 'kysely';
import { GENESIS_HASH } from '../../src/audit/index.js';
import type { AuditInput } from '../../src/services/audit/index.js';
import type { TestApp } from '../helpers/test-app.js';

export async function resetTrail(t: TestApp): Promise<void> {
  const db = t.services.database.db;
  await t.services.audit.close();
  await db.deleteFrom('audit_events').execute();
  await db.deleteFrom('audit_checkpoints').execute();
  await db
    .updateTable('audit_chain_head')
    .set({ seq: 0, hash: GENESIS_HASH, anchor_seq: 0, anchor_hash: GENESIS_HASH })
    .where('id', '=', 1)
    .execute();
}

export function readEvent(n: number): AuditInput {
  return {
    actor: `user:${n % 7}`,
    action: 'record.read',
    resource: { collection: 'patients', recordId: `r${n}`, fields: ['name', 'email'] },
    purpose: 'support',
    outcome: n % 5 === 0 ? 'denied' : 'allowed',
    requestId: `req-${n}`,
    clientAddress: '192.0.2.1',
  };
}

export async function recordMany(t: TestApp, count: number, from = 1): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) => t.services.audit.record(readEvent(from + i))));
}

export async function storedSeqs(t: TestApp): Promise<number[]> {
  const rows = await t.services.database.db.selectFrom('audit_events').select('seq').orderBy('seq').execute();
  return rows.map((r) => Number(r.seq));
}

/** Renames a table (to make the trail unwritable, and back). */
export async function renameTable(t: TestApp, from: string, to: string): Promise<void> {
  await sql.raw(`alter table ${from} rename to ${to}`).execute(t.services.database.db);
}
