/**
 * Guarantee: every authentication event is an audit event (action, outcome, actor, request id, client address),
 * with the actor `user:<id>` when the account is known and the HMAC of the case-folded username when it is not (the
 * username itself is stored nowhere); throttle refusals are `rate_limited` audit events (`auth.lockout` for a
 * lockout) but not security events; with the trail unwritable, login still works and the failure is reported.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPlainHttpServer } from '../../src/http/plain-http-server.js';
import { usernameKey } from '../../src/storage/index.js';
import {
  createTestApp,
  createTestClock,
  createUser,
  loggedInUser,
  login,
  type TestApp,
} from '../helpers/test-app.js';
import { renameTable, resetTrail } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await resetTrail(t);
});

async function events(app: TestApp, action: string) {
  return (await app.services.audit.query({ action }, 100)).events;
}

/** Every column of every stored audit event, concatenated. */
async function auditDump(app: TestApp): Promise<string> {
  const rows = await app.services.database.db.selectFrom('audit_events').selectAll().execute();
  return JSON.stringify(rows);
}

async function securityDump(app: TestApp): Promise<string> {
  const rows = await app.services.database.db.selectFrom('security_events').selectAll().execute();
  return JSON.stringify(rows);
}

function attempt(app: TestApp, username: string, password: string, remoteAddress = '192.0.2.10') {
  return app.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username, password },
    remoteAddress,
  });
}

describe('authentication audit events', () => {
  it('record a successful login as auth.login allowed, with the user, request id and address', async () => {
    const user = await createUser(t);
    const response = await attempt(t, user.username, user.password);
    expect(response.statusCode).toBe(200);
    expect(await events(t, 'auth.login')).toEqual([
      expect.objectContaining({
        actor: `user:${user.id}`,
        outcome: 'allowed',
        requestId: response.headers['x-request-id'],
        clientAddress: '192.0.2.10',
      }),
    ]);
  });

  it('record a wrong password as auth.login denied for the known user', async () => {
    const user = await createUser(t);
    const response = await attempt(t, user.username, `${user.password}x`);
    expect(response.statusCode).toBe(401);
    expect(await events(t, 'auth.login')).toEqual([
      expect.objectContaining({
        actor: `user:${user.id}`,
        outcome: 'denied',
        requestId: response.headers['x-request-id'],
      }),
    ]);
  });

  it('name an unknown username only by its HMAC, stored nowhere in clear', async () => {
    const typed = `Nobody-Audit-${process.pid}`;
    const response = await attempt(t, typed, 'Wrong-password-123');
    expect(response.statusCode).toBe(401);
    const hmac = t.services.audit.hmacIdentifier(usernameKey(typed));
    expect(hmac).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(await events(t, 'auth.login')).toEqual([
      expect.objectContaining({
        actor: hmac,
        outcome: 'denied',
        requestId: response.headers['x-request-id'],
      }),
    ]);
    // The HMAC an auditor gets from POST /v1/audit/hash for the case-folded name is the actor.
    const admin = await loggedInUser(t, ['admin']);
    const hashed = await t.app.inject({
      method: 'POST',
      url: '/v1/audit/hash',
      headers: admin.headers,
      payload: { value: usernameKey(typed) },
    });
    expect(hashed.json()).toMatchObject({ hmac });
    for (const form of [typed, usernameKey(typed)]) {
      expect(await auditDump(t)).not.toContain(form);
      expect(await securityDump(t)).not.toContain(form);
      for (const line of t.logs) expect(line).not.toContain(form);
    }
  });

  it('record refresh-token reuse as auth.refresh_reuse denied', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.username, user.password);
    const refresh = (token: string) =>
      t.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: token } });
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200);
    const reused = await refresh(tokens.refresh_token);
    expect(reused.statusCode).toBe(401);
    expect(await events(t, 'auth.refresh_reuse')).toEqual([
      expect.objectContaining({
        actor: `user:${user.id}`,
        outcome: 'denied',
        requestId: reused.headers['x-request-id'],
        clientAddress: '127.0.0.1',
      }),
    ]);
  });

  it('record logout, and API key creation and revocation, with the key as resource', async () => {
    const user = await loggedInUser(t);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'ci' },
    });
    expect(created.statusCode).toBe(201);
    const keyId = (created.json() as { id: string }).id;
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${keyId}`,
      headers: user.headers,
    });
    expect(revoked.statusCode).toBe(204);
    const logout = await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: user.headers });
    expect(logout.statusCode).toBe(204);

    const actor = `user:${user.id}`;
    expect(await events(t, 'api_key.create')).toEqual([
      expect.objectContaining({
        actor,
        outcome: 'allowed',
        resource: { recordId: keyId },
        requestId: created.headers['x-request-id'],
      }),
    ]);
    expect(await events(t, 'api_key.revoke')).toEqual([
      expect.objectContaining({
        actor,
        outcome: 'allowed',
        resource: { recordId: keyId },
        requestId: revoked.headers['x-request-id'],
      }),
    ]);
    expect(await events(t, 'auth.logout')).toEqual([
      expect.objectContaining({ actor, outcome: 'allowed', requestId: logout.headers['x-request-id'] }),
    ]);
    // The key itself is a secret: it is in no event.
    expect(await auditDump(t)).not.toContain((created.json() as { key: string }).key);
  });

  it('record a policy change as policy.update by the admin', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const current = await t.app.inject({ url: '/v1/policies/current', headers: admin.headers });
    const { document, version } = current.json() as { document: object; version: number };
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: admin.headers,
      payload: document,
    });
    expect(put.statusCode).toBe(200);
    expect(await events(t, 'policy.update')).toEqual([
      expect.objectContaining({
        actor: `user:${admin.id}`,
        outcome: 'allowed',
        resource: { recordId: `v${version + 1}` },
        requestId: put.headers['x-request-id'],
        clientAddress: '127.0.0.1',
      }),
    ]);
  });

  it('record user administration as user.create / user.delete with the target as resource', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: admin.headers,
      payload: { username: `audited${process.pid}`, password: 'Tr0ubadour-audited-user' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;
    await t.app.inject({ method: 'DELETE', url: `/v1/users/${id}`, headers: admin.headers });
    for (const action of ['user.create', 'user.delete']) {
      expect(await events(t, action)).toEqual([
        expect.objectContaining({
          actor: `user:${admin.id}`,
          outcome: 'allowed',
          resource: { recordId: id },
        }),
      ]);
    }
  });

  it('record a credential seen on the plain-HTTP port as auth.credential_exposed', async () => {
    const plain = createPlainHttpServer({ revoker: t.services.revoker, logger: t.logger });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const user = await loggedInUser(t);
      const port = (plain.address() as AddressInfo).port;
      const requestId = await new Promise<string | undefined>((resolve, reject) => {
        http
          .get(
            { host: '127.0.0.1', port, path: '/v1/me', headers: user.headers, agent: false },
            (response) => {
              response.resume();
              response.on('end', () => resolve(response.headers['x-request-id'] as string | undefined));
            },
          )
          .on('error', reject);
      });
      expect(requestId).toEqual(expect.any(String));
      expect(await events(t, 'auth.credential_exposed')).toEqual([
        expect.objectContaining({
          actor: `user:${user.id}`,
          outcome: 'denied',
          requestId,
          clientAddress: '127.0.0.1',
        }),
      ]);
      expect(await auditDump(t)).not.toContain(user.tokens.access_token);
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  it('keep login working when the trail cannot be written, and report the failure', async () => {
    const user = await createUser(t);
    const logged = t.logs.length;
    await renameTable(t, 'audit_events', 'audit_events_gone');
    try {
      const ok = await attempt(t, user.username, user.password);
      expect(ok.statusCode).toBe(200);
      expect((await attempt(t, user.username, 'Wrong-password-123')).statusCode).toBe(401);
      expect((await attempt(t, `ghost${process.pid}`, 'Wrong-password-123')).statusCode).toBe(401);
      const logs = t.logs.slice(logged);
      expect(logs.some((line) => line.includes('audit event could not be recorded'))).toBe(true);
      expect(logs.some((line) => line.includes('audit trail unavailable'))).toBe(true);
      for (const line of logs) expect(line).not.toContain(`ghost${process.pid}`);
      // security_events is still written.
      const rows = await t.services.stores.securityEvents.list({ type: 'login_succeeded' });
      expect(rows.some((row) => row.userId === user.id)).toBe(true);
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await renameTable(t, 'audit_events_gone', 'audit_events');
    }
    await t.services.audit.tick();
    expect(t.services.audit.isHealthy()).toBe(true);
  });
});

describe('login throttle refusals', () => {
  // Account: the 1st failure is free, the 2nd blocks for 2 s (delays at most 10 s), the 3rd locks out for 600 s.
  const clock = createTestClock();
  let th: TestApp;
  beforeAll(async () => {
    th = await createTestApp({
      clock,
      flags: {
        accountThrottleFreeAttempts: '2',
        accountThrottleLockoutAfter: '3',
        accountThrottleBaseDelaySeconds: '2',
        accountThrottleMaxDelaySeconds: '10',
        accountThrottleLockoutSeconds: '600',
        addressThrottleFreeAttempts: '1000',
        addressThrottleLockoutAfter: '100000',
      },
    });
  });
  afterAll(async () => {
    await th?.close();
  });
  beforeEach(async () => {
    await resetTrail(th);
  });

  const refusals = async () => (await th.services.audit.query({ outcome: 'rate_limited' }, 100)).events;
  const failedRows = async () =>
    (await th.services.stores.securityEvents.list({ type: 'login_failed' })).length;

  it('are rate_limited audit events (auth.login, then auth.lockout), never security events', async () => {
    const user = await createUser(th);
    const wrong = () => attempt(th, user.username, 'Wrong-password-123');
    const rowsBefore = await failedRows();
    expect((await wrong()).statusCode).toBe(401); // 1st failure: free
    expect((await wrong()).statusCode).toBe(401); // 2nd: blocks for 2 s
    const delayed = await wrong();
    expect(delayed.statusCode).toBe(429);
    clock.advance(3_000);
    expect((await wrong()).statusCode).toBe(401); // 3rd: locks out for 600 s
    const locked = await wrong();
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(10);

    expect(await refusals()).toEqual([
      expect.objectContaining({
        action: 'auth.login',
        actor: `user:${user.id}`,
        outcome: 'rate_limited',
        requestId: delayed.headers['x-request-id'],
        clientAddress: '192.0.2.10',
      }),
      expect.objectContaining({
        action: 'auth.lockout',
        actor: `user:${user.id}`,
        outcome: 'rate_limited',
        requestId: locked.headers['x-request-id'],
      }),
    ]);
    expect(await failedRows()).toBe(rowsBefore + 3);
  });

  it('name an unknown username by its HMAC', async () => {
    const typed = `Throttled-${process.pid}`;
    expect((await attempt(th, typed, 'Wrong-password-123')).statusCode).toBe(401);
    expect((await attempt(th, typed, 'Wrong-password-123')).statusCode).toBe(401);
    expect((await attempt(th, typed, 'Wrong-password-123')).statusCode).toBe(429);
    expect(await refusals()).toEqual([
      expect.objectContaining({
        action: 'auth.login',
        actor: th.services.audit.hmacIdentifier(usernameKey(typed)),
        outcome: 'rate_limited',
      }),
    ]);
    for (const form of [typed, usernameKey(typed)]) expect(await auditDump(th)).not.toContain(form);
  });
});
