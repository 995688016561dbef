/**
 * A user's subject id (issue 13, finding 7): stored only as the keyed HMAC the subjects and records tables use and
 * a copy sealed under the subject's key; shown to administrators; compared by `$actor.subject` conditions through
 * the HMAC; unlinked by erasure (and not linkable again); and the clear values of before migration 0006 are
 * converted at the first unseal, on SQLite and PostgreSQL, leaving no clear copy in the database files.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/index.js';
import * as initial from '../../src/storage/migrations/0001-initial.js';
import * as vault from '../../src/storage/migrations/0002-vault.js';
import * as audit from '../../src/storage/migrations/0003-audit.js';
import * as policies from '../../src/storage/migrations/0004-policies.js';
import {
  createTestApp,
  loggedInUser,
  strongPassword,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

const BEFORE_0006: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-vault': vault,
  '0003-audit': audit,
  '0004-policies': policies,
};

type Row = { subject: string | null; subject_hash: string | null; subject_sealed: string | null };

async function userRow(t: TestApp, id: string): Promise<Row | undefined> {
  const { rows } = await sql<Row>`
    select subject, subject_hash, subject_sealed from users where id = ${id}`.execute(t.services.database.db);
  return rows[0];
}

/** The SQLite database file, its WAL and shm, as text. */
function sqliteFiles(file: string): string {
  return ['', '-wal', '-shm']
    .map((suffix) => `${file}${suffix}`)
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('\n');
}

describe('a user linked to a subject (sqlite)', () => {
  let t: TestApp;
  let api: ReturnType<typeof vaultApi>;
  const subject = `person-${randomBytes(6).toString('hex')}`;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    api = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
    expect((await api.createCollection('patients')).statusCode).toBe(201);
    expect((await api.create('patients', patient(1), subject)).statusCode).toBe(201);
    const created = await api.call('POST', '/v1/users', {
      username: `linked${randomBytes(4).toString('hex')}`,
      password: strongPassword(),
      subject,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ subject });
    userId = created.json().id;
  });
  afterAll(() => t?.close());

  it('is stored as the HMAC the records use and a sealed copy, never in clear', async () => {
    const row = await userRow(t, userId);
    expect(row).toEqual({
      subject: null,
      subject_hash: t.services.subjects.hash(subject),
      subject_sealed: expect.stringMatching(/^sr1:s_/),
    });
    const { rows } = await sql<{ subject_hash: string }>`
      select subject_hash from records`.execute(t.services.database.db);
    expect(rows.map((r) => r.subject_hash)).toContain(row?.subject_hash);
    expect(sqliteFiles(t.config.sqlitePath)).not.toContain(subject);
  });

  it('is shown to an administrator and changed through the HMAC', async () => {
    expect((await api.call('GET', `/v1/users/${userId}`)).json()).toMatchObject({ subject });
    const listed = (await api.call('GET', '/v1/users?limit=100')).json() as {
      users: Array<{ id: string; subject: string | null }>;
    };
    expect(listed.users.find((u) => u.id === userId)?.subject).toBe(subject);
    const other = `other-${randomBytes(4).toString('hex')}`;
    expect((await api.call('PATCH', `/v1/users/${userId}`, { subject: other })).json()).toMatchObject({
      subject: other,
    });
    expect((await userRow(t, userId))?.subject_hash).toBe(t.services.subjects.hash(other));
    expect((await api.call('PATCH', `/v1/users/${userId}`, { subject })).json()).toMatchObject({ subject });
  });

  it('authenticates with the HMAC as $actor.subject, so the policy compares HMAC with HMAC', async () => {
    const me = await t.services.stores.users.findById(userId);
    expect(me?.subject?.hash).toBe(t.services.subjects.hash(subject));
  });

  it('is unlinked by erasure: no HMAC, no sealed copy, shown as null, and cannot be linked again', async () => {
    expect((await api.erase(subject)).json()).toMatchObject({ records: 1, already_erased: false });
    expect(await userRow(t, userId)).toEqual({ subject: null, subject_hash: null, subject_sealed: null });
    expect((await api.call('GET', `/v1/users/${userId}`)).json()).toMatchObject({ subject: null });
    const relink = await api.call('PATCH', `/v1/users/${userId}`, { subject });
    expect(relink.statusCode).toBe(410);
    expect(relink.json().error).toMatchObject({ code: 'SUBJECT_ERASED', field: 'body.subject' });
    const create = await api.call('POST', '/v1/users', {
      username: `again${randomBytes(4).toString('hex')}`,
      password: strongPassword(),
      subject,
    });
    expect(create.statusCode).toBe(410);
    expect(create.json().error).toMatchObject({ code: 'SUBJECT_ERASED', field: 'body.subject' });
    expect(relink.body + create.body).not.toContain(subject);
  });
});

/** Users written by a release before 0006: clear subject ids in users.subject. */
async function seedLegacyUsers(
  db: Kysely<unknown>,
  users: Array<{ id: string; subject: string | null }>,
  schema: string | null = null,
) {
  // In its own schema: without it Kysely's migrator takes another schema's bookkeeping tables (a concurrent test's).
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => BEFORE_0006 },
    ...(schema === null ? {} : { migrationTableSchema: schema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
  for (const user of users) {
    await sql`insert into users (id, username, username_key, password_hash, roles, disabled,
      credential_version, created_at, updated_at, subject, attributes)
      values (${user.id}, ${`legacy-${user.id}`}, ${`legacy-${user.id}`}, 'x', '["user"]', 0, 0, 1, 1,
      ${user.subject}, '{}')`.execute(db);
  }
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `converting clear subject ids of before 0006 (${database})`,
    () => {
      let t: TestApp;
      let schema: string | null = null;
      let seededAt = 0;
      const legacy = { id: randomUUID(), subject: `legacy-person-${randomBytes(6).toString('hex')}` };
      const none = { id: randomUUID(), subject: null };

      beforeAll(async () => {
        if (database === 'sqlite') {
          t = await createTestApp({
            seedDataDir: async (dataDir) => {
              const handle = await openDatabase({
                databaseUrl: null,
                databaseSchema: null,
                sqlitePath: path.join(dataDir, 'strongroom.db'),
              });
              await seedLegacyUsers(handle.db as never, [legacy, none]);
              await handle.close();
            },
          });
          expect(t.config.sqlitePath).toBe(path.join(t.dataDir, 'strongroom.db'));
          return;
        }
        schema = `test_${randomBytes(6).toString('hex')}`;
        const handle = await openDatabase({
          databaseUrl: TEST_DATABASE_URL,
          databaseSchema: schema,
          sqlitePath: '',
        });
        await seedLegacyUsers(handle.db as never, [legacy, none], schema);
        await handle.close();
        seededAt = Date.now();
        t = await createTestApp({ database, flags: { databaseSchema: schema } });
      });
      afterAll(async () => {
        await t?.close();
        if (schema !== null && TEST_DATABASE_URL !== null) {
          const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await client.end();
        }
      });

      it('hashes and seals each clear id and empties the clear column', async () => {
        expect(await userRow(t, legacy.id)).toEqual({
          subject: null,
          subject_hash: t.services.subjects.hash(legacy.subject),
          subject_sealed: expect.stringMatching(/^sr1:s_/),
        });
        expect(await userRow(t, none.id)).toEqual({
          subject: null,
          subject_hash: null,
          subject_sealed: null,
        });
        const api = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
        expect((await api.call('GET', `/v1/users/${legacy.id}`)).json()).toMatchObject({
          subject: legacy.subject,
        });
        const { rows } = await sql<{ n: number | string }>`
          select count(*) as n from users where subject is not null`.execute(t.services.database.db);
        expect(Number(rows[0]?.n)).toBe(0);
        if (database === 'sqlite') expect(sqliteFiles(t.config.sqlitePath)).not.toContain(legacy.subject);
      });

      it.runIf(database === 'postgres')(
        'VACUUMs users after the conversion, so no dead row version keeps a clear id',
        async () => {
          const control = new pg.Client({ connectionString: TEST_DATABASE_URL ?? '' });
          await control.connect();
          try {
            // last_vacuum is set by a manual VACUUM only (autovacuum sets last_autovacuum).
            const { rows } = await control.query<{ last_vacuum: Date | null }>(
              `select last_vacuum from pg_stat_user_tables where schemaname = $1 and relname = 'users'`,
              [schema],
            );
            // Set by the conversion at this app's start (later requests may leave new dead tuples: not checked).
            expect(rows[0]?.last_vacuum).toBeInstanceOf(Date);
            expect(rows[0]?.last_vacuum?.getTime()).toBeGreaterThanOrEqual(seededAt - 1000);
          } finally {
            await control.end();
          }
        },
      );

      it('is a no-op at the next unseal', async () => {
        expect(await t.services.convertUserSubjects()).toBe(0);
      });
    },
  );
}
