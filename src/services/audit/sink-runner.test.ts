/**
 * Two runners of one sink on one database (two nodes): only the lease holder ships; the other takes over only once
 * the lease has expired, resuming after the stored cursor; a holder that lost the lease, or whose lease would not
 * outlast a whole send, sends nothing; a holder that stops releases the lease, so the other ships at once.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../audit/index.js';
import {
  type AuditStore,
  createPersistence,
  type DatabaseHandle,
  migrateToLatest,
  openDatabase,
  type Persistence,
} from '../../storage/index.js';
import { toAuditEvent } from './audit-input.js';
import { appendChained } from './chain-append.js';
import type { SinkItem } from './sink-message.js';
import { createSinkRunner, SKEW_MS } from './sink-runner.js';

const LEASE_MS = 5000;
const TIMEOUT_MS = 1000;

describe('sink runners of one sink on two nodes', () => {
  let dir: string;
  let handle: DatabaseHandle;
  let persistence: Persistence;
  let now = 1_000_000;
  let appended = 0;
  const silent = { warn: () => undefined, info: () => undefined };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-sink-runner-'));
    handle = await openDatabase({
      databaseUrl: null,
      databaseSchema: null,
      sqlitePath: path.join(dir, 'db'),
    });
    await migrateToLatest(handle.db as never);
    persistence = createPersistence(handle);
  });
  afterAll(async () => {
    await handle?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function append(count: number) {
    const events = Array.from({ length: count }, () =>
      toAuditEvent(
        { actor: null, action: 'audit.query', outcome: 'allowed' },
        1,
        new Date(now).toISOString(),
      ),
    );
    await persistence.transaction((stores) => appendChained(stores.audit, events));
    appended += count;
  }

  function runner(store: AuditStore = persistence.stores.audit) {
    const sent: number[] = [];
    const sink = createSinkRunner({
      name: 'webhook',
      store,
      send: async (items: SinkItem[]) => {
        for (const item of items) sent.push((item as WireEvent).seq);
      },
      skips: () => false,
      batchSize: 5,
      retryMaxMs: 1000,
      timeoutMs: TIMEOUT_MS,
      leaseMs: LEASE_MS,
      clock: () => now,
      logger: silent,
    });
    return { sink, sent };
  }

  it('ships from the lease holder only, and from the other once the lease expired', async () => {
    const a = runner();
    const b = runner();
    await append(12);
    expect(await a.sink.catchUp()).toBe(12);
    expect(a.sent).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    await append(3);
    now += LEASE_MS - 1;
    expect(await b.sink.catchUp()).toBe(0);
    expect(b.sent).toEqual([]);
    // A stopped renewing (it died, or lost its database): once the lease has run out, B resumes after the cursor.
    now += 2;
    expect(await b.sink.catchUp()).toBe(3);
    expect(b.sent).toEqual([13, 14, 15]);
    await append(2);
    expect(await a.sink.catchUp()).toBe(0);
    expect(a.sent).toHaveLength(12);
    expect(await b.sink.catchUp()).toBe(2);
    // B stops: it gives the lease up, and A ships at once.
    await append(1);
    await b.sink.stop();
    expect(await a.sink.catchUp()).toBe(1);
    expect(a.sent.at(-1)).toBe(appended);
  });

  it('sends nothing when the lease it just renewed would not outlast a whole send', async () => {
    const store = persistence.stores.audit;
    // A database so slow that the claim answers when less than timeout + skew of the lease is left.
    const slow: AuditStore = {
      ...store,
      claimSinkLease: async (...args) => {
        const held = await store.claimSinkLease(...args);
        now += LEASE_MS - TIMEOUT_MS - SKEW_MS + 1;
        return held;
      },
    };
    now += LEASE_MS * 2;
    const late = runner(slow);
    await append(4);
    expect(await late.sink.catchUp()).toBe(0);
    expect(late.sent).toEqual([]);
    // With a database that answers in time, the same node ships.
    const prompt = runner();
    now += LEASE_MS * 2;
    expect(await prompt.sink.catchUp()).toBe(4);
  });
});
