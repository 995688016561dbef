/**
 * Sink leases on SQLite and PostgreSQL: one holder at a time, renewed by its holder, taken over only once
 * expired, released only by its holder; of concurrent first claims exactly one wins.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditSinkLeases } from './audit-sink-leases.js';
import { type DatabaseHandle, openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';

const DATABASE_URL = process.env.STRONGROOM_DATABASE_URL ?? null;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && DATABASE_URL === null)(`audit sink leases (${kind})`, () => {
    let handle: DatabaseHandle;
    let dir: string;
    const schema = `test_${randomBytes(6).toString('hex')}`;
    let leases: ReturnType<typeof createAuditSinkLeases>;

    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-leases-'));
      handle = await openDatabase({
        databaseUrl: kind === 'postgres' ? DATABASE_URL : null,
        databaseSchema: kind === 'postgres' ? schema : null,
        sqlitePath: path.join(dir, 'strongroom.db'),
      });
      await migrateToLatest(handle.db as never);
      leases = createAuditSinkLeases(handle.db);
    });
    afterAll(async () => {
      await handle?.close();
      if (kind === 'postgres' && DATABASE_URL !== null) {
        const client = new pg.Client({ connectionString: DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('has one holder at a time, renewed by it, taken over only once expired', async () => {
      expect(await leases.claimSinkLease('syslog', 'a', 1000, 6000)).toBe(true);
      expect(await leases.claimSinkLease('syslog', 'b', 2000, 7000)).toBe(false);
      // The holder renews, even a little late, while nobody took it.
      expect(await leases.claimSinkLease('syslog', 'a', 5000, 10_000)).toBe(true);
      expect(await leases.claimSinkLease('syslog', 'b', 9999, 15_000)).toBe(false);
      expect(await leases.claimSinkLease('syslog', 'b', 10_001, 15_001)).toBe(true);
      // The old holder lost it: it can neither renew nor release it.
      expect(await leases.claimSinkLease('syslog', 'a', 10_002, 15_002)).toBe(false);
      await leases.releaseSinkLease('syslog', 'a', 10_003);
      expect(await leases.claimSinkLease('syslog', 'c', 10_004, 15_004)).toBe(false);
      // A release by the holder frees it at once; other sinks are apart.
      await leases.releaseSinkLease('syslog', 'b', 10_005);
      expect(await leases.claimSinkLease('syslog', 'c', 10_006, 15_006)).toBe(true);
      expect(await leases.claimSinkLease('webhook', 'a', 10_007, 15_007)).toBe(true);
    });

    it('lets exactly one of concurrent first claims win', async () => {
      const holders = Array.from({ length: 8 }, (_, i) => `h${i}`);
      const won = await Promise.all(holders.map((h) => leases.claimSinkLease('race', h, 1000, 5000)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const expired = await Promise.all(holders.map((h) => leases.claimSinkLease('race', h, 6000, 9000)));
      expect(expired.filter(Boolean)).toHaveLength(1);
    });
  });
}
