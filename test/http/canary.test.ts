/**
 * Canary test for guarantees 3 and 8: secrets written through every endpoint never appear in the stored bytes
 * (the raw SQLite files, or every row of every PostgreSQL table), in any captured log line, or in any response
 * other than the one that hands a credential out.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';

const canary = (label: string) => `Canary${label}-${randomBytes(8).toString('hex')}`;

async function exercise(t: TestApp) {
  const secrets: string[] = [];
  const responses: string[] = [];
  // Responses that hand a credential out (login, refresh, key creation) are the only ones allowed to carry one.
  const inject = async (options: InjectOptions) => {
    const response = await t.app.inject(options);
    const handsOut = /"(access_token|key)":"/.test(response.body);
    if (!handsOut) responses.push(JSON.stringify(response.headers) + response.body);
    return response;
  };
  const adminPassword = canary('AdminPw');
  await t.services.users.create({ username: 'canary-admin', password: adminPassword, roles: ['admin'] });
  const adminLogin = (
    await inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'canary-admin', password: adminPassword },
    })
  ).json();
  const adminHeaders = { authorization: `Bearer ${adminLogin.access_token}` };
  secrets.push(adminPassword, adminLogin.access_token, adminLogin.refresh_token);

  const userPassword = canary('UserPw');
  secrets.push(userPassword);
  const created = await inject({
    method: 'POST',
    url: '/v1/users',
    headers: adminHeaders,
    payload: { username: 'canary-user', password: userPassword, roles: ['user'] },
  });
  expect(created.statusCode).toBe(201);

  const wrongPassword = canary('WrongPw');
  const ghostName = canary('ghost').toLowerCase();
  secrets.push(wrongPassword, ghostName);
  await inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username: 'canary-user', password: wrongPassword },
  });
  await inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username: ghostName, password: wrongPassword },
  });

  const userLogin = (
    await inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'canary-user', password: userPassword },
    })
  ).json();
  secrets.push(userLogin.access_token, userLogin.refresh_token);
  const userHeaders = { authorization: `Bearer ${userLogin.access_token}` };

  const refreshed = (
    await inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: userLogin.refresh_token },
    })
  ).json();
  secrets.push(refreshed.access_token, refreshed.refresh_token);
  // Reuse of the spent token: revokes the family and records an event, which must not hold the token either.
  await inject({
    method: 'POST',
    url: '/v1/auth/refresh',
    payload: { refresh_token: userLogin.refresh_token },
  });

  const again = (
    await inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'canary-user', password: userPassword },
    })
  ).json();
  secrets.push(again.access_token, again.refresh_token);
  const againHeaders = { authorization: `Bearer ${again.access_token}` };
  const key = (
    await inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: againHeaders,
      payload: { name: 'canary key' },
    })
  ).json();
  secrets.push(key.key);
  await inject({ url: '/v1/me', headers: { 'x-api-key': key.key } });
  await inject({ url: '/v1/api-keys', headers: againHeaders });

  const newPassword = canary('NewPw');
  secrets.push(newPassword);
  await inject({
    method: 'PUT',
    url: '/v1/me/password',
    headers: againHeaders,
    payload: { current_password: canary('BadCurrent'), new_password: newPassword },
  });
  await inject({
    method: 'PUT',
    url: '/v1/me/password',
    headers: againHeaders,
    payload: { current_password: userPassword, new_password: newPassword },
  });

  // Refused inputs: in the URL, in a broken body, in an unknown field, in a wrong type.
  const inUrl = canary('UrlPw');
  const inBrokenJson = canary('JsonPw');
  const inExtraField = canary('Extra');
  secrets.push(inUrl, inBrokenJson, inExtraField);
  await inject({ url: `/v1/me?password=${inUrl}` });
  await inject({ url: `/v1/users/${key.key}`, headers: adminHeaders });
  await inject({
    method: 'POST',
    url: '/v1/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: `{"username":"x","password":"${inBrokenJson}`,
  });
  await inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username: 'canary-user', password: userPassword, extra_field: inExtraField },
  });
  // A client-chosen property name is not echoed unless it looks like an ordinary identifier.
  const oddName = (
    await inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'canary-user', password: userPassword, [inExtraField]: 1 },
    })
  ).json();
  expect(oddName.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.(unknown)' });
  await inject({
    method: 'POST',
    url: '/v1/auth/logout',
    headers: { authorization: `Bearer ${inExtraField}` },
  });
  await inject({ method: 'POST', url: '/v1/auth/logout', headers: userHeaders });
  return { secrets, responses };
}

async function storedText(t: TestApp): Promise<string> {
  if (t.services.database.kind === 'sqlite') {
    const file = t.config.sqlitePath;
    return ['', '-wal', '-shm']
      .map((suffix) => `${file}${suffix}`)
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const db = t.services.database.db;
  const tables = ['users', 'sessions', 'refresh_tokens', 'api_keys', 'signing_keys', 'security_events'];
  const dumps = await Promise.all(tables.map((table) => sql`select * from ${sql.table(table)}`.execute(db)));
  return dumps.map((d) => JSON.stringify(d.rows)).join('\n');
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `canary secrets (${database})`,
    () => {
      let t: TestApp;
      let run: Awaited<ReturnType<typeof exercise>>;
      beforeAll(async () => {
        t = await createTestApp({ database, flags: { logLevel: 'trace' } });
        run = await exercise(t);
      });
      afterAll(async () => {
        await t?.close();
      });

      it('never stores a password, token or key in clear', async () => {
        const stored = await storedText(t);
        expect(stored.length).toBeGreaterThan(1000);
        expect(stored).toContain('canary-user');
        for (const secret of run.secrets) expect(stored, 'a secret reached storage').not.toContain(secret);
        // Refresh tokens and API keys are stored as hashes only; their bodies (without prefix) must not appear either.
        for (const secret of run.secrets.filter((s) => /^sr[kr]_/.test(s))) {
          expect(stored).not.toContain(secret.slice(4, 30));
        }
      });

      it('never logs a password, token or key', () => {
        const logs = t.logs.join('\n');
        expect(t.logs.length).toBeGreaterThan(15);
        for (const secret of run.secrets) expect(logs, 'a secret reached the logs').not.toContain(secret);
      });

      it('never echoes a secret in a response, except the responses that hand credentials out', () => {
        expect(run.responses.length).toBeGreaterThan(10);
        for (const response of run.responses) {
          for (const secret of run.secrets) expect(response, 'a secret was echoed').not.toContain(secret);
        }
      });
    },
  );
}

it('keeps the data directory owner-only', async () => {
  const t = await createTestApp();
  try {
    expect(fs.statSync(t.dataDir).mode & 0o077).toBe(0);
    expect(fs.statSync(t.config.sqlitePath).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(t.dataDir, 'master.key')).mode & 0o777).toBe(0o600);
  } finally {
    await t.close();
  }
});
