/**
 * Guarantee (issue 13, finding 1): a list or search page applies the policy in the storage query, and the rows
 * the query returns are exactly those the decide()-based filter kept before (record-access.ts `hidden` plus
 * record-filters.ts `mayMatch`): for random policies, stored records, callers, purposes and filtered or searched
 * fields, on SQLite and (when STRONGROOM_DATABASE_URL is set) PostgreSQL. Paging through in small batches
 * returns the same rows, none skipped or repeated.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/model/index.js';
import { compilePolicy, type PolicyActor } from '../../src/policy/index.js';
import { createAuthorizer } from '../../src/services/authorizer.js';
import type { Collection } from '../../src/services/collection-service.js';
import type { Caller } from '../../src/services/records/caller.js';
import { createRecordAccess } from '../../src/services/records/record-access.js';
import { factsOf } from '../../src/services/records/record-facts.js';
import { mayMatch } from '../../src/services/records/record-filters.js';
import { type FieldUses, visibleWhere } from '../../src/services/records/record-visibility.js';
import {
  createPersistence,
  type DatabaseHandle,
  migrateToLatest,
  openDatabase,
  type RecordRow,
  type Stores,
} from '../../src/storage/index.js';
import {
  focusedDocument,
  PLAIN_FIELDS,
  policyActor,
  policyDocument,
  purpose,
  recordFacts,
  SENSITIVE_FIELDS,
} from '../helpers/policy-arbitraries.js';

const DATABASE_URL = process.env.STRONGROOM_DATABASE_URL ?? null;
const FIELDS = [
  { name: 'a', type: 'text', sensitive: false, searchable: false, required: false },
  { name: 'n', type: 'integer', sensitive: false, searchable: false, required: false },
  { name: 'flag', type: 'boolean', sensitive: false, searchable: false, required: false },
  { name: 'created_by', type: 'text', sensitive: false, searchable: false, required: false },
  { name: 's', type: 'text', sensitive: true, searchable: true, required: false },
] as const;

const uses: fc.Arbitrary<FieldUses> = fc.record({
  read: fc.subarray([...PLAIN_FIELDS]),
  search: fc.subarray([...SENSITIVE_FIELDS]),
});

function callerOf(actor: PolicyActor, stated: string | undefined): Caller {
  const user: Actor = {
    kind: 'session',
    sessionId: 's',
    userId: actor.id ?? '',
    username: 'someone',
    roles: [...actor.roles],
    userCreatedAt: 0,
    subjectHash: actor.subject === '' ? null : actor.subject,
    attributes: actor.attributes ?? {},
  };
  return { actor: user, ...(stated === undefined ? {} : { purpose: stated }), audit: { actor: null } };
}

async function openSqlite(dir: string) {
  return openDatabase({ databaseUrl: null, databaseSchema: null, sqlitePath: path.join(dir, 'db.sqlite') });
}

const databases: Array<['sqlite' | 'postgres']> =
  DATABASE_URL === null ? [['sqlite']] : [['sqlite'], ['postgres']];

describe.each(databases)('list and search pages filter by policy in the query (%s)', (database) => {
  let handle: DatabaseHandle;
  let stores: Stores;
  let dir: string;
  const schema = `visibility_${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-visibility-'));
    handle =
      database === 'sqlite'
        ? await openSqlite(dir)
        : await openDatabase({ databaseUrl: DATABASE_URL, databaseSchema: schema, sqlitePath: '' });
    await migrateToLatest(handle.db as never);
    stores = createPersistence(handle).stores;
  });

  afterAll(async () => {
    await handle?.close();
    if (database === 'postgres') {
      const client = new pg.Client({ connectionString: DATABASE_URL ?? '' });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A fresh collection named `c` (for the policy) holding `facts` as records; its rows in id order. */
  async function seed(facts: Array<{ plain: object; createdBy: string | null; subjectHash: string | null }>) {
    const collection: Collection = {
      id: randomUUID(),
      name: 'c',
      fields: FIELDS.map((f) => ({ ...f })),
      keyId: 'k',
      indexKeyId: 'i',
      createdAt: 0,
    };
    await stores.collections.insert({
      id: collection.id,
      name: `c${randomBytes(8).toString('hex')}`,
      fields: JSON.stringify(collection.fields),
      keyId: 'k',
      indexKeyId: 'i',
      createdBy: null,
      createdAt: 0,
    });
    const rows: RecordRow[] = [];
    for (const fact of facts) {
      const row: RecordRow = {
        id: randomUUID(),
        collectionId: collection.id,
        subjectHash: fact.subjectHash,
        subjectSealed: null,
        keyId: 'k',
        keyVersion: 1,
        plainFields: JSON.stringify(fact.plain),
        sealedFields: '{}',
        revision: 1,
        createdBy: fact.createdBy,
        createdAt: 0,
        updatedAt: 0,
        erasedAt: null,
      };
      // The filter attributes, as record writes store them (no email field here: the canonical JSON).
      const attributes = Object.entries(fact.plain).map(([field, value]) => ({
        field,
        value: JSON.stringify(value),
      }));
      await stores.records.insert(row, attributes, []);
      rows.push(row);
    }
    return { collection, rows: rows.sort((x, y) => (x.id < y.id ? -1 : 1)) };
  }

  it('returns exactly the rows the decide()-based filter keeps, page by page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(policyDocument, policyActor),
          // A focused document grants r1 only: its callers hold it.
          fc.tuple(
            focusedDocument,
            policyActor.map((a) => ({ ...a, roles: ['r1', ...a.roles.filter((r) => r !== 'r1')] })),
          ),
        ),
        purpose,
        fc.array(recordFacts, { minLength: 2, maxLength: 10 }),
        uses,
        fc.integer({ min: 1, max: 4 }),
        async ([doc, actor], stated, facts, used, batch) => {
          const policy = compilePolicy(doc);
          const access = createRecordAccess({
            authorizer: createAuthorizer({ policies: { policy: () => policy } }),
          });
          const caller = callerOf(actor, stated);
          const { collection, rows } = await seed(facts);

          const expected = rows
            .filter((row) => {
              const f = factsOf(row);
              return (
                !access.hidden(caller, collection, f) &&
                mayMatch(access, caller, 'read', collection, f, [...used.read]) &&
                mayMatch(access, caller, 'search', collection, f, [...used.search])
              );
            })
            .map((row) => row.id);

          const visible = visibleWhere(access, caller, collection, used);
          expect(visible).not.toBeNull();
          if (visible === null) return;
          const list = (after: string | null, limit: number) =>
            stores.recordQueries.list(collection.id, { after, limit, attributes: [], indexes: [], visible });
          expect((await list(null, 100)).map((row) => row.id)).toEqual(expected);

          const paged: string[] = [];
          let after: string | null = null;
          for (;;) {
            const page = await list(after, batch);
            paged.push(...page.map((row) => row.id));
            if (page.length < batch) break;
            after = page[page.length - 1]?.id ?? null;
          }
          expect(paged).toEqual(expected);

          // Windows of `batch` records (what a page reads when anything may be hidden), with a filter too.
          const filter = used.read[0];
          const wanted =
            filter === undefined
              ? null
              : { field: filter, value: JSON.stringify(facts[0]?.plain[filter as 'a']) };
          const filtered = rows
            .filter((row) => expected.includes(row.id))
            .filter(
              (row) =>
                wanted === null || JSON.stringify(JSON.parse(row.plainFields)[wanted.field]) === wanted.value,
            )
            .map((row) => row.id);
          const windowed: string[] = [];
          after = null;
          for (;;) {
            const window = await stores.recordQueries.scan(collection.id, {
              after,
              size: batch,
              attributes: wanted === null || wanted.value === undefined ? [] : [wanted],
              indexes: [],
              visible,
              windowed: true,
            });
            windowed.push(...window.rows.map((row) => row.id));
            if (window.examined < batch) break;
            after = window.last;
          }
          if (wanted?.value !== undefined || filter === undefined) expect(windowed).toEqual(filtered);
        },
      ),
      { numRuns: database === 'sqlite' ? 1000 : 300 },
    );
  }, 180_000);
});
