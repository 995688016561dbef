/**
 * Review of the row conditions in SQL (issue 13, finding 1): storage's WHERE clause (storage/record-condition.ts)
 * must hold for exactly the rows the reference meaning (policy/row-condition.ts) holds for, whatever JSON the
 * stored values are: strings that look like numbers, booleans or null, numbers as integers or reals, -0, the
 * largest safe integer, booleans, JSON null, arrays, nested objects, missing values, Unicode in NFC and NFD,
 * numbers beyond the safe integers and extreme reals (compared as JavaScript compares them), case, quotes, backslashes and SQL text as values (bound, never spliced). A mismatch under `not` is a deny rule
 * that no longer denies. On SQLite (json_type / json_extract) and PostgreSQL (jsonb), real databases.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributeEquals, evaluateRowCondition } from '../../src/policy/row-condition.js';
import {
  createPersistence,
  type DatabaseHandle,
  migrateToLatest,
  openDatabase,
  type Stores,
} from '../../src/storage/index.js';
import { type RecordCondition, recordConditionSql } from '../../src/storage/record-condition.js';

const DATABASE_URL = process.env.STRONGROOM_DATABASE_URL ?? null;
const FIELDS = ['a', 'b', 'created_by'] as const;
const SCALARS: Array<string | number | boolean> = [
  'x',
  'X',
  '\u00e9',
  'e\u0301',
  '1',
  '0',
  'true',
  'false',
  'null',
  '',
  ' x',
  '\u{1f600}',
  'a"b',
  "a'b",
  'a\\b',
  "'; DELETE FROM records; --",
  '$."a"',
  0,
  -0,
  1,
  -1,
  1.5,
  0.1,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  // Beyond the safe integers, as JavaScript writes them (2 ** 60 is "1152921504606847000"), and reals.
  2 ** 60,
  -(2 ** 63),
  1e21,
  5e-324,
  1.7976931348623157e308,
  0.30000000000000004,
  true,
  false,
];
/** Operands a policy or an actor attribute can carry but no stored value can: PostgreSQL refuses them outright. */
const UNSTORABLE = ['a\u0000', '\ud800', 'x\udc00', '\udc00\ud800'];
const OPERANDS = [...SCALARS, ...UNSTORABLE];
const STORED = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(...SCALARS, '\ufffd') },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], ['x'], [1], { a: 'x' }, { x: { a: 1 } }) },
);
const plainFields = fc.dictionary(fc.constantFrom(...FIELDS), STORED, { maxKeys: 3 });

const leaf: fc.Arbitrary<RecordCondition> = fc.oneof(
  fc.record({
    kind: fc.constant('plain' as const),
    field: fc.constantFrom(...FIELDS),
    equals: fc.constantFrom(...OPERANDS),
  }),
  fc.record({
    kind: fc.constant('column' as const),
    column: fc.constant('created_by' as const),
    equals: fc.constantFrom<string | null>('u1', 'u2', null, 'u1\u0000', '\ud800'),
  }),
);
const { condition } = fc.letrec<{ condition: RecordCondition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant('not' as const), of: tie('condition') }),
    fc.record({
      kind: fc.constantFrom('all' as const, 'any' as const),
      of: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }),
    }),
  ),
}));

interface Row {
  id: string;
  createdBy: string | null;
  plain: Record<string, unknown>;
}

/** The reference meaning: a column test on the column; a plain test is row-condition.ts `equals` on the JSON. */
function holds(c: RecordCondition, row: Row): boolean {
  switch (c.kind) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'column':
      return c.equals === null ? row.createdBy === null : row.createdBy === c.equals;
    case 'plain':
      return evaluateRowCondition(attributeEquals(c.field, c.equals), row.plain);
    case 'all':
      return c.of.every((part) => holds(part, row));
    case 'any':
      return c.of.some((part) => holds(part, row));
    case 'not':
      return !holds(c.of, row);
  }
}

const databases: Array<['sqlite' | 'postgres']> =
  DATABASE_URL === null ? [['sqlite']] : [['sqlite'], ['postgres']];

describe.each(databases)('row conditions in SQL on any stored JSON (%s)', (database) => {
  let handle: DatabaseHandle;
  let stores: Stores;
  let dir: string;
  const schema = `review_cond_${randomBytes(6).toString('hex')}`;
  const collectionId = randomUUID();
  const rows: Row[] = [];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-review-cond-'));
    handle =
      database === 'sqlite'
        ? await openDatabase({
            databaseUrl: null,
            databaseSchema: null,
            sqlitePath: path.join(dir, 'db.sqlite'),
          })
        : await openDatabase({ databaseUrl: DATABASE_URL, databaseSchema: schema, sqlitePath: '' });
    await migrateToLatest(handle.db as never);
    stores = createPersistence(handle).stores;
    await stores.collections.insert({
      id: collectionId,
      name: `c${randomBytes(8).toString('hex')}`,
      fields: '[]',
      keyId: 'k',
      indexKeyId: 'i',
      createdBy: null,
      createdAt: 0,
    });
    // Every stored value once per field, and random mixes.
    const samples = fc.sample(plainFields, { numRuns: 150, seed: 13 });
    for (const field of FIELDS)
      for (const value of [...SCALARS, '\ufffd', null, [1], { a: 'x' }]) samples.push({ [field]: value });
    samples.push({});
    for (const [i, plain] of samples.entries()) {
      const createdBy = [null, 'u1', 'u2'][i % 3] ?? null;
      const id = randomUUID();
      await stores.records.insert(
        {
          id,
          collectionId,
          subjectHash: null,
          subjectSealed: null,
          keyId: 'k',
          keyVersion: 1,
          plainFields: JSON.stringify(plain),
          sealedFields: '{}',
          revision: 1,
          createdBy,
          createdAt: 0,
          updatedAt: 0,
          erasedAt: null,
        },
        [],
        [],
      );
      rows.push({ id, createdBy, plain: JSON.parse(JSON.stringify(plain)) as Record<string, unknown> });
    }
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

  const matching = async (c: RecordCondition) =>
    (
      await handle.db
        .selectFrom('records')
        .select('id')
        .where('collection_id', '=', collectionId)
        .where(recordConditionSql(handle.db, c))
        .execute()
    )
      .map((r) => r.id)
      .sort();

  it('holds for exactly the rows the reference meaning holds for, negated or not', async () => {
    await fc.assert(
      fc.asyncProperty(condition, async (c) => {
        const expected = rows
          .filter((row) => holds(c, row))
          .map((row) => row.id)
          .sort();
        expect(await matching(c)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('every single test and its negation, for every operand', async () => {
    for (const field of FIELDS) {
      for (const equals of OPERANDS) {
        const test: RecordCondition = { kind: 'plain', field, equals };
        for (const c of [test, { kind: 'not', of: test } as const]) {
          const expected = rows
            .filter((row) => holds(c, row))
            .map((row) => row.id)
            .sort();
          expect(await matching(c), `${c.kind} ${field} = ${JSON.stringify(equals)}`).toEqual(expected);
        }
      }
    }
    // The table is intact after the SQL-looking operands.
    expect((await matching({ kind: 'always' })).length).toBe(rows.length);
  }, 120_000);
});
