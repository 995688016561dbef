import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import {
  createPersistence,
  type DatabaseHandle,
  type KeyJobRow,
  migrateToLatest,
  openDatabase,
  type Persistence,
} from '../../storage/index.js';
import { commitBatch, type JobHandler } from './job-handler.js';
import { runJob } from './run-job.js';

let dir: string;
let handle: DatabaseHandle;
let persistence: Persistence;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-run-job-'));
  handle = await openDatabase(loadConfig({ dataDir: dir }, {}));
  await migrateToLatest(handle.db as never);
  persistence = createPersistence(handle);
});
afterAll(async () => {
  await handle?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A run context for `owner` that stops once `stopAfter` pauses have been taken. */
function contextFor(owner: string, stopAfter = Number.POSITIVE_INFINITY) {
  let pauses = 0;
  return {
    transactor: persistence,
    stores: persistence.stores,
    clock: Date.now,
    logger: silent,
    batchSize: 10,
    pauseMs: 0,
    leaseMs: 60_000,
    settleMs: 0,
    owner,
    isStopped: () => pauses >= stopAfter,
    sleep: async () => {
      pauses += 1;
    },
  };
}

async function runningJob(): Promise<KeyJobRow> {
  const now = Date.now();
  const job: KeyJobRow = {
    id: randomUUID(),
    kind: 'collection',
    keyId: `c_${randomUUID().replaceAll('-', '')}`,
    fromVersion: 1,
    toVersion: 2,
    status: 'running',
    cursor: '',
    total: 10,
    done: 0,
    createdBy: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
    error: null,
  };
  await persistence.stores.keyJobs.insert(job);
  return job;
}

/** A handler whose every batch writes a marker (a security event) with its progress, and never ends a pass. */
function markingHandler(marker: string): JobHandler {
  return {
    async prepare() {},
    batch: (_job, _cursor, _limit, commit) =>
      commitBatch(persistence, commit, { cursor: 'next', passed: 1 }, async (stores) => {
        await stores.securityEvents.insert({
          id: randomUUID(),
          occurredAt: Date.now(),
          type: marker as never,
          userId: null,
          sessionId: null,
          apiKeyId: null,
          clientAddress: null,
          detail: {},
        });
      }),
    remaining: async () => 1,
    retire: async () => undefined,
    afterRetire: async () => undefined,
  };
}

describe('runJob under a lease held by another process', () => {
  it('rolls its batch back, leaves the job to the lease holder and ends, without failing the job', async () => {
    const job = await runningJob();
    const now = Date.now();
    expect(await persistence.stores.keyJobs.claim(job.id, 'other-node', now, now + 60_000)).toBe(true);
    const marker = `lease_test_${randomUUID().slice(0, 8)}`;
    await runJob(contextFor('this-node', 5), markingHandler(marker), job);
    // The batch's write went with its progress: neither committed.
    expect(await persistence.stores.securityEvents.list({ type: marker as never })).toEqual([]);
    expect(await persistence.stores.keyJobs.find(job.id)).toMatchObject({
      status: 'running',
      done: 0,
      cursor: '',
    });
  });

  it('commits batch and progress together while the lease holds', async () => {
    const job = await runningJob();
    const now = Date.now();
    expect(await persistence.stores.keyJobs.claim(job.id, 'this-node', now, now + 60_000)).toBe(true);
    const marker = `lease_test_${randomUUID().slice(0, 8)}`;
    // Stops after two batches: the runner gives the lease up.
    await runJob(contextFor('this-node', 2), markingHandler(marker), job);
    expect(await persistence.stores.securityEvents.list({ type: marker as never })).toHaveLength(2);
    expect(await persistence.stores.keyJobs.find(job.id)).toMatchObject({
      status: 'running',
      done: 2,
      cursor: 'next',
    });
  });
});
