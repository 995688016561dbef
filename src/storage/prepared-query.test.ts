import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { prepareLookup } from './prepared-query.js';

let dir: string;
let handle: DatabaseHandle;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-prepared-'));
  handle = await openDatabase({ databaseUrl: null, databaseSchema: null, sqlitePath: path.join(dir, 'db') });
  await migrateToLatest(handle.db as never);
  for (const id of ['a', 'b']) {
    await handle.db
      .insertInto('users')
      .values({
        id,
        username: id,
        username_key: id,
        password_hash: 'x',
        roles: '[]',
        disabled: 0,
        credential_version: 0,
        created_at: 1,
        updated_at: 1,
      })
      .execute();
  }
});
afterAll(async () => {
  await handle.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('prepareLookup', () => {
  it('runs one compiled query with a new value each time', async () => {
    const find = prepareLookup(handle.db, (id) =>
      handle.db.selectFrom('users').select('username').where('id', '=', id),
    );
    expect(await find('a')).toEqual({ username: 'a' });
    expect(await find('b')).toEqual({ username: 'b' });
    expect(await find('missing')).toBeUndefined();
  });

  it('refuses queries that do not have exactly one parameter', async () => {
    const two = prepareLookup(handle.db, (id) =>
      handle.db.selectFrom('users').select('id').where('id', '=', id).where('username', '=', 'x'),
    );
    await expect(two('a')).rejects.toMatchObject({ code: 'PREPARED_QUERY_INVALID' });
  });
});
