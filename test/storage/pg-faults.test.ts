/**
 * PostgreSQL failing is answered, never fatal: terminated connections (a restart, `pg_terminate_backend`, a cut
 * proxy) and a stalled statement give `503 DEPENDENCY_UNAVAILABLE` (or succeed on a fresh connection), never a 500
 * or a crash of the process, and the node recovers by itself.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';

const suite = TEST_DATABASE_URL === null ? describe.skip : describe;

suite('PostgreSQL faults', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof loggedInUser>>;
  let control: pg.Client;
  beforeAll(async () => {
    t = await createTestApp({
      database: 'postgres',
      env: { STRONGROOM_DATABASE_STATEMENT_TIMEOUT_MS: '300' },
    });
    admin = await loggedInUser(t, ['admin']);
    control = new pg.Client({ connectionString: TEST_DATABASE_URL ?? '' });
    await control.connect();
  });
  afterAll(async () => {
    await control.end();
    await t.close();
  });

  const me = () => t.app.inject({ url: '/v1/me', headers: admin.headers });
  const users = () => t.app.inject({ url: '/v1/users?limit=5', headers: admin.headers });
  // A backend told to terminate exits a moment after pg_terminate_backend returns, so a request can still take its
  // connection and answer 503: "recovers" means served again within a few tries, not on the very next request.
  const servedAgain = async () => {
    let status = 0;
    for (let tries = 0; tries < 10 && status !== 200; tries++) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await users()).statusCode;
    }
    return status;
  };

  it('survives its connections being terminated, answering 503 or serving, and recovers', async () => {
    for (let round = 0; round < 3; round++) {
      // Served again (the pool replaced what was terminated) before the next cut.
      expect(await servedAgain()).toBe(200);
      const terminated = await control.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [`strongroom:${t.config.databaseSchema}`],
      );
      expect(terminated.rowCount).toBeGreaterThan(0);
      const answers = await Promise.all([users(), me(), users()]);
      for (const answer of answers) {
        expect([200, 503], answer.body).toContain(answer.statusCode);
        if (answer.statusCode === 503) expect(answer.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
      }
    }
    // The pool opens new connections: the node serves again without a restart.
    expect(await servedAgain()).toBe(200);
    expect(t.logs.some((line) => line.includes('"level":60'))).toBe(false);
  });

  it('answers 503 when a statement waits past the statement timeout, and serves once it is free', async () => {
    await control.query('begin');
    await control.query(`lock table "${t.config.databaseSchema}".users in access exclusive mode`);
    try {
      const stalled = await users();
      expect(stalled.statusCode).toBe(503);
      expect(stalled.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(stalled.headers['retry-after']).toBe('1');
      // Readiness answers in time and names what does not answer.
      const ready = await t.app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().error).toMatchObject({
        code: 'NOT_READY',
        message: expect.stringContaining('database'),
      });
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await control.query('rollback');
    }
    expect((await users()).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});
