/**
 * Emails compare without case on the whole address (blind-indexed search, searches of non-sensitive fields,
 * deterministic tokens), while the record keeps the address as written; and an installation whose indexes were
 * made with the case is migrated: filter attributes by the schema migration, blind indexes by an index rotation
 * started once unsealed. On SQLite and (when STRONGROOM_DATABASE_URL is set) PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { systemCaller } from '../../src/services/index.js';
import { startEmailReindex } from '../../src/services/key-jobs/index.js';
import { lowerEmailAttributes } from '../../src/storage/migrations/0007-key-lineage.js';
import { createTestApp, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';

const FIELDS = [
  { name: 'email', type: 'email', sensitive: true, searchable: true },
  { name: 'work_email', type: 'email' },
  { name: 'tenant_id', type: 'string', required: true },
];
const WRITTEN = 'Jane.Roe@Example.COM';
// As stored: the local part as written, the domain lower-cased (domains are case-insensitive by definition).
const STORED = 'Jane.Roe@example.com';
const caller = systemCaller('email-test', ['admin'], 'support');

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `email equality (${database})`,
    () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await createTestApp({
          database,
          flags: { keyJobBatchSize: 20, keyJobPauseMs: 5, keyJobSettleMs: 0 },
        });
      });
      afterAll(() => t?.close());

      const search = async (name: string, where: Record<string, string>) => {
        const collection = await t.services.collections.get(name);
        const page = await t.services.recordReader.search(caller, collection, {
          where,
          limit: 10,
          reveal: ['email'],
          redaction: 'masked',
        });
        return page.records;
      };

      it('finds an address whatever its case, and keeps it as written', async () => {
        const collection = await t.services.collections.create('seed', {
          name: 'contacts',
          fields: FIELDS as never,
        });
        await t.services.records.create(caller, collection, {
          fields: { email: WRITTEN, work_email: WRITTEN, tenant_id: 'acme' },
        });
        for (const query of ['jane.roe@example.com', 'JANE.ROE@EXAMPLE.COM', WRITTEN]) {
          const found = await search('contacts', { email: query });
          expect(found, query).toHaveLength(1);
          expect(found[0]?.fields.email).toBe(STORED);
          expect(await search('contacts', { work_email: query }), query).toHaveLength(1);
        }
        expect(await search('contacts', { email: 'jane.roe@example.org' })).toHaveLength(0);
        const tokenOf = async (value: string) =>
          (await t.services.tokens.tokenize(caller, { kind: 'deterministic', type: 'email', value })).token;
        expect(await tokenOf('jane.roe@example.com')).toBe(await tokenOf(WRITTEN));
      });

      it('migrates indexes made with the case: attributes by the migration, blind indexes by a rotation', async () => {
        const db = t.services.database.db;
        const collection = await t.services.collections.create('seed', {
          name: 'legacy',
          fields: FIELDS as never,
        });
        // What an earlier release made: an index key version of scheme 1, attributes and indexes as written.
        await db
          .updateTable('data_keys')
          .set({ scheme: 1 })
          .where('key_id', '=', collection.indexKeyId)
          .execute();
        const { id } = await t.services.records.create(caller, collection, {
          fields: { email: WRITTEN, work_email: WRITTEN, tenant_id: 'acme' },
        });
        await db
          .updateTable('record_attributes')
          .set({ value: JSON.stringify(STORED) })
          .where('record_id', '=', id)
          .where('field', '=', 'work_email')
          .execute();
        expect(await search('legacy', { email: 'jane.roe@example.com' })).toHaveLength(0);
        expect(await search('legacy', { email: WRITTEN })).toHaveLength(1);
        expect(await search('legacy', { work_email: 'jane.roe@example.com' })).toHaveLength(0);

        await lowerEmailAttributes(db as never);
        expect(await search('legacy', { work_email: 'jane.roe@example.com' })).toHaveLength(1);

        const deps = {
          collections: t.services.collections,
          keys: t.services.keyService,
          store: t.services.stores.keys,
          rotation: t.services.keyRotation,
          logger: createLogger({ level: 'silent' }),
        };
        expect(await startEmailReindex(deps)).toEqual(['legacy']);
        for (let i = 0; i < 2000; i++) {
          const jobs = await t.services.keyRotation.list();
          if (jobs.every((job) => job.status !== 'running')) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect((await t.services.keyRotation.list())[0]).toMatchObject({
          kind: 'index',
          status: 'completed',
        });
        for (const query of ['jane.roe@example.com', WRITTEN]) {
          const found = await search('legacy', { email: query });
          expect(found, query).toHaveLength(1);
          expect(found[0]?.fields.email).toBe(STORED);
        }
        expect(await startEmailReindex(deps)).toEqual([]);
      });
    },
  );
}
