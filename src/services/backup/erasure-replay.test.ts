/**
 * The replay of the restored database's own chain (own-chain.ts): a drop applies only to a collection created
 * before it, an API key revoked in the chain is revoked again, and a second replay changes nothing (no event).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPersistence,
  type DatabaseHandle,
  migrateToLatest,
  openDatabase,
} from '../../storage/index.js';
import { type AuditInput, appendChained, toAuditEvent } from '../audit/index.js';
import { replayErasures } from './erasure-replay.js';

let dir: string;
let handle: DatabaseHandle;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-replay-'));
  handle = await openDatabase({
    databaseUrl: null,
    databaseSchema: null,
    sqlitePath: path.join(dir, 'db.sqlite'),
  });
  await migrateToLatest(handle.db as never);
});
afterEach(async () => {
  await handle.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const collection = (name: string, createdAt: number) => ({
  id: `id-${name}`,
  name,
  fields: '[]',
  keyId: `k-${name}`,
  indexKeyId: `i-${name}`,
  createdBy: null,
  createdAt,
});

async function record(persistence: ReturnType<typeof createPersistence>, at: number, inputs: AuditInput[]) {
  await persistence.transaction(async (stores) => {
    const time = new Date(at).toISOString();
    await appendChained(
      stores.audit,
      inputs.map((input) => toAuditEvent(input, 1, time)),
    );
  });
}

describe('replayErasures: the own chain', () => {
  it('drops a collection the chain dropped, keeps one created again after the drop, and is idempotent', async () => {
    const persistence = createPersistence(handle);
    const { stores } = persistence;
    await stores.collections.insert(collection('spliced', 1_000));
    await stores.collections.insert(collection('recreated', 5_000));
    const drop = (name: string): AuditInput => ({
      actor: 'user:admin',
      action: 'collection.drop',
      resource: { collection: name },
      outcome: 'allowed',
    });
    await record(persistence, 3_000, [
      drop('spliced'),
      drop('recreated'),
      { ...drop('never-existed'), outcome: 'denied' },
    ]);

    const first = await replayErasures(persistence, null, () => 9_000);
    expect([first.collections, first.subjects, first.deletedRecords, first.apiKeys]).toEqual([1, 0, 0, 0]);
    expect(await stores.collections.findByName('spliced')).toBeNull();
    expect(await stores.collections.findByName('recreated')).not.toBeNull();
    const head = await stores.audit.readHead();
    expect(head.seq).toBe(4);

    const again = await replayErasures(persistence, null, () => 10_000);
    expect(again.collections).toBe(0);
    expect((await stores.audit.readHead()).seq).toBe(4);
  });
});
