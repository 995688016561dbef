/**
 * Guarantee: a request answered 503 DEPENDENCY_UNAVAILABLE because Redis is down is audited where the request would
 * have been, as `failed` with reason DEPENDENCY_UNAVAILABLE: a login under `auth.login` (anonymous: the username is
 * not known to be an account, and is never written), a record read under `record.read` by its user. Nothing is
 * acknowledged. When the database is what failed, the audit write cannot happen (the trail lives there): the
 * refusal is not audited, and still answered 503. Runs against a private redis-server on a random port, killed by
 * its pid (the shared one is never touched).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import errorHandler, {
  auditActionOf,
  isDatabaseFailure,
  refusalOutcome,
} from '../../src/http/plugins/error-handler.js';
import {
  createTestApp,
  createUser,
  loggedInUser,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis-server did not start');
}

const BACKENDS = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

describe.each(BACKENDS)('503 refusals for a dependency that is down (%s)', (database) => {
  let redis: ChildProcess;
  let t: TestApp;

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitForPort(port);
    t = await createTestApp({
      database,
      env: {
        STRONGROOM_REDIS_URL: `redis://127.0.0.1:${port}`,
        STRONGROOM_REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}:`,
        STRONGROOM_REDIS_COMMAND_TIMEOUT_MS: '300',
      },
    });
  });
  afterAll(async () => {
    if (redis.exitCode === null) redis.kill('SIGKILL');
    await t?.close();
  });

  it('audits a login and a record read refused because Redis is down as failed, DEPENDENCY_UNAVAILABLE', async () => {
    const user = await createUser(t);
    const reader = await loggedInUser(t);
    const exited = new Promise((resolve) => redis.once('exit', resolve));
    redis.kill('SIGKILL');
    await exited;

    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: user.username, password: user.password },
    });
    expect(login.statusCode).toBe(503);
    expect(login.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(login.body).not.toContain('access_token');

    const read = await t.app.inject({
      url: `/v1/collections/patients/records/${randomUUID()}`,
      headers: reader.headers,
    });
    expect(read.statusCode).toBe(503);
    expect(read.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');

    const failed = (await t.services.audit.query({ outcome: 'failed' }, 50)).events;
    const loginEvent = failed.find((e) => e.requestId === login.json().error.request_id);
    expect(loginEvent).toMatchObject({
      action: 'auth.login',
      actor: null,
      outcome: 'failed',
      reason: { code: 'DEPENDENCY_UNAVAILABLE' },
    });
    const readEvent = failed.find((e) => e.requestId === read.json().error.request_id);
    expect(readEvent).toMatchObject({
      action: 'record.read',
      actor: `user:${reader.id}`,
      outcome: 'failed',
      reason: { code: 'DEPENDENCY_UNAVAILABLE' },
    });
    // Nothing was acknowledged: no successful login of that user is in the trail.
    const allowed = await t.services.audit.query({ action: 'auth.login', actor: `user:${user.id}` }, 10);
    expect(allowed.events.filter((e) => e.outcome === 'allowed')).toHaveLength(0);
    expect(JSON.stringify(failed)).not.toContain(user.username);
  });
});

describe('which 503s are audited', () => {
  it('audits a Redis failure as failed, not a database failure (the trail cannot be written there)', () => {
    // Redis refusing connections carries the same system code a database would.
    const refused = () =>
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const redisDown = new AppError('DEPENDENCY_UNAVAILABLE', { cause: refused() });
    expect(refusalOutcome(redisDown)).toBe('failed');
    expect(isDatabaseFailure(redisDown)).toBe(false);
    expect(auditActionOf({ auditUnavailable: 'auth.login' }, 'failed')).toBe('auth.login');
    // The service audits its own refusals (throttle): the route does not record them a second time.
    expect(auditActionOf({ auditUnavailable: 'auth.login' }, 'rate_limited')).toBeUndefined();
    expect(auditActionOf({ audit: 'record.read' }, 'failed')).toBe('record.read');
  });
});

describe('the error handler with a database that fails', () => {
  it('answers 503 at once and does not try to audit, while a Redis 503 on the same route is audited', async () => {
    const audited: string[] = [];
    const app = Fastify();
    await app.register(errorHandler, {
      onRefused: async (_request, error, outcome, action) => {
        audited.push(`${action}:${outcome}:${error.code}`);
      },
    });
    const config = { access: 'public' as const, audit: 'record.read' as const };
    app.get('/database', { config }, async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    app.get('/redis', { config }, async () => {
      throw new AppError('DEPENDENCY_UNAVAILABLE', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
      });
    });
    const database = await app.inject({ url: '/database' });
    expect(database.statusCode).toBe(503);
    expect(database.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(audited).toEqual([]);
    const redisDown = await app.inject({ url: '/redis' });
    expect(redisDown.statusCode).toBe(503);
    expect(audited).toEqual(['record.read:failed:DEPENDENCY_UNAVAILABLE']);
    await app.close();
  });
});
