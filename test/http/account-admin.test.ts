/**
 * Guarantees (issue 10): an administrator's password reset hands out a one-time password once (never logged,
 * audited or stored in clear), ends every session and key of the user, and leaves the user able to do nothing but
 * change it; service accounts cannot log in (the same 401 as a wrong password) and act through keys administrators
 * mint, which outlive everything but expiry, explicit revocation, disabling (while it lasts) and deletion.
 * On SQLite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  createUser,
  loggedInUser,
  login,
  strongPassword,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';

const code = (response: LightMyRequestResponse) =>
  (response.json() as { error?: { code?: string } }).error?.code;

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `account administration (${database})`,
    () => {
      let t: TestApp;
      let admin: Awaited<ReturnType<typeof loggedInUser>>;
      beforeAll(async () => {
        t = await createTestApp({ database });
        admin = await loggedInUser(t, ['admin']);
      });
      afterAll(async () => {
        await t.close();
      });

      const call = (
        method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
        url: string,
        headers: object,
        payload?: object,
      ) =>
        t.app.inject({
          method,
          url,
          headers: headers as Record<string, string>,
          ...(payload ? { payload } : {}),
        });

      async function mintOwnKey(headers: object): Promise<string> {
        const response = await call('POST', '/v1/api-keys', headers, { name: 'own' });
        expect(response.statusCode).toBe(201);
        return (response.json() as { key: string }).key;
      }

      describe('password reset', () => {
        it('returns a one-time password once, revokes sessions and keys, and allows only the password change', async () => {
          const user = await loggedInUser(t);
          const key = await mintOwnKey(user.headers);
          const reset = await call('POST', `/v1/users/${user.id}/password-reset`, admin.headers);
          expect(reset.statusCode).toBe(200);
          const body = reset.json() as {
            user: { id: string; must_change_password: boolean };
            one_time_password: string;
          };
          expect(body.user).toMatchObject({ id: user.id, must_change_password: true, service: false });
          expect(body.one_time_password).toMatch(/^[A-Za-z0-9_-]{32}$/);
          const oneTime = body.one_time_password;

          // Every credential from before is dead.
          expect((await call('GET', '/v1/me', user.headers)).statusCode).toBe(401);
          expect((await call('GET', '/v1/me', { 'x-api-key': key })).statusCode).toBe(401);
          const old = await call(
            'POST',
            '/v1/auth/login',
            {},
            { username: user.username, password: user.password },
          );
          expect(code(old)).toBe('INVALID_CREDENTIALS');

          // The one-time password logs in, to a session that can only change it.
          const pair = await login(t, user.username, oneTime);
          const headers = { authorization: `Bearer ${pair.access_token}` };
          const blocked = await call('GET', '/v1/api-keys', headers);
          expect(blocked.statusCode).toBe(403);
          expect(code(blocked)).toBe('PASSWORD_CHANGE_REQUIRED');
          expect(code(await call('POST', '/v1/api-keys', headers, { name: 'x' }))).toBe(
            'PASSWORD_CHANGE_REQUIRED',
          );
          expect(code(await call('GET', '/v1/collections', headers))).toBe('PASSWORD_CHANGE_REQUIRED');
          expect((await call('GET', '/v1/me', headers)).statusCode).toBe(200);

          const fresh = strongPassword();
          const changed = await call('PUT', '/v1/me/password', headers, {
            current_password: oneTime,
            new_password: fresh,
          });
          expect(changed.statusCode).toBe(204);
          // The same session goes on, now unrestricted; the one-time password is spent.
          expect((await call('GET', '/v1/api-keys', headers)).statusCode).toBe(200);
          expect((await t.services.stores.users.findById(user.id))?.mustChangePassword).toBe(false);
          const again = await call(
            'POST',
            '/v1/auth/login',
            {},
            { username: user.username, password: oneTime },
          );
          expect(code(again)).toBe('INVALID_CREDENTIALS');
          await login(t, user.username, fresh);

          // Never logged, never in the audit trail or the security events, stored only as a hash.
          expect(t.logs.join('\n')).not.toContain(oneTime);
          const audit = await t.services.database.db.selectFrom('audit_events').selectAll().execute();
          expect(JSON.stringify(audit)).not.toContain(oneTime);
          const events = await t.services.stores.securityEvents.list({ type: 'password_reset' });
          expect(events.some((e) => JSON.stringify(e).includes(user.id))).toBe(true);
          expect(JSON.stringify(events)).not.toContain(oneTime);
          const row = await t.services.database.db
            .selectFrom('users')
            .selectAll()
            .where('id', '=', user.id)
            .execute();
          expect(JSON.stringify(row)).not.toContain(oneTime);
        });

        it('needs an interactive session and reset_passwords, and names a missing user', async () => {
          const user = await createUser(t);
          const adminKey = await mintOwnKey(admin.headers);
          const byKey = await call('POST', `/v1/users/${user.id}/password-reset`, { 'x-api-key': adminKey });
          expect(byKey.statusCode).toBe(403);
          const other = await loggedInUser(t);
          const byUser = await call('POST', `/v1/users/${user.id}/password-reset`, other.headers);
          expect(code(byUser)).toBe('FORBIDDEN');
          expect((await t.services.stores.users.findById(user.id))?.mustChangePassword).toBe(false);
          const missing = await call(
            'POST',
            '/v1/users/00000000-0000-4000-8000-000000000000/password-reset',
            admin.headers,
          );
          expect(code(missing)).toBe('USER_NOT_FOUND');
          await login(t, user.username, user.password);
        });
      });

      describe('service accounts', () => {
        async function createService(roles = ['user']) {
          const username = `svc${randomBytes(4).toString('hex')}`;
          const response = await call('POST', '/v1/users', admin.headers, { username, service: true, roles });
          expect(response.statusCode).toBe(201);
          return { ...(response.json() as { id: string; service: boolean }), username };
        }

        it('has no password: login answers exactly as a wrong password does', async () => {
          const service = await createService();
          expect(service.service).toBe(true);
          const person = await createUser(t);
          const asService = await call(
            'POST',
            '/v1/auth/login',
            {},
            { username: service.username, password: strongPassword() },
          );
          const wrong = await call(
            'POST',
            '/v1/auth/login',
            {},
            { username: person.username, password: strongPassword() },
          );
          expect(asService.statusCode).toBe(401);
          expect({ ...asService.json().error, request_id: 0 }).toEqual({
            ...wrong.json().error,
            request_id: 0,
          });
          // Equal cost by construction: the account stores an argon2id hash with the parameters of a person's, so the
          // login verifies it exactly as it verifies a wrong password (and refuses it whatever was typed).
          const params = (hash: string | undefined) => hash?.split('$').slice(1, 4).join('$');
          const stored = await t.services.stores.users.findById(service.id);
          const personal = await t.services.stores.users.findById(person.id);
          expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
          expect(params(stored?.passwordHash)).toBe(params(personal?.passwordHash));
          const failures = await t.services.stores.securityEvents.list({ type: 'login_failed' });
          expect(failures.some((e) => e.userId === service.id)).toBe(true);
          // A password cannot be given to one, nor reset.
          const withPassword = await call('POST', '/v1/users', admin.headers, {
            username: `svc${randomBytes(4).toString('hex')}`,
            service: true,
            password: strongPassword(),
          });
          expect(code(withPassword)).toBe('VALIDATION_FAILED');
          const reset = await call('POST', `/v1/users/${service.id}/password-reset`, admin.headers);
          expect(reset.statusCode).toBe(409);
          expect(code(reset)).toBe('SERVICE_ACCOUNT_HAS_NO_PASSWORD');
        });

        it('gets keys an admin mints, scoped to its roles, listed without secrets, revoked explicitly', async () => {
          const service = await createService(['user', 'introspector']);
          const outside = await call('POST', `/v1/users/${service.id}/api-keys`, admin.headers, {
            name: 'k',
            roles: ['admin'],
          });
          expect(code(outside)).toBe('FORBIDDEN');
          expect(outside.json().error.field).toBe('body.roles.0');
          const minted = await call('POST', `/v1/users/${service.id}/api-keys`, admin.headers, {
            name: 'ingest',
            roles: ['introspector'],
            expires_in: 3600,
          });
          expect(minted.statusCode).toBe(201);
          const { key, id } = minted.json() as { key: string; id: string };
          const me = await call('GET', '/v1/me', { 'x-api-key': key });
          expect(me.json()).toMatchObject({
            id: service.id,
            roles: ['introspector'],
            authenticated_by: 'api_key',
          });

          const listed = await call('GET', `/v1/users/${service.id}/api-keys`, admin.headers);
          expect(listed.statusCode).toBe(200);
          expect(listed.json().api_keys).toMatchObject([{ id, name: 'ingest', roles: ['introspector'] }]);
          expect(listed.body).not.toContain(key);

          // Administrative actions that end people's credentials leave it alone: a role change, other users' resets.
          const roles = await call('PATCH', `/v1/users/${service.id}`, admin.headers, {
            roles: ['user', 'introspector'],
          });
          expect(roles.statusCode).toBe(200);
          const other = await createUser(t);
          await call('POST', `/v1/users/${other.id}/password-reset`, admin.headers);
          expect((await call('GET', '/v1/me', { 'x-api-key': key })).statusCode).toBe(200);

          // Disabled: it does not authenticate; enabled again: it does.
          await call('PATCH', `/v1/users/${service.id}`, admin.headers, { disabled: true });
          expect((await call('GET', '/v1/me', { 'x-api-key': key })).statusCode).toBe(401);
          await call('PATCH', `/v1/users/${service.id}`, admin.headers, { disabled: false });
          expect((await call('GET', '/v1/me', { 'x-api-key': key })).statusCode).toBe(200);

          const revoked = await call('DELETE', `/v1/users/${service.id}/api-keys/${id}`, admin.headers);
          expect(revoked.statusCode).toBe(204);
          expect((await call('GET', '/v1/me', { 'x-api-key': key })).statusCode).toBe(401);
          const twice = await call('DELETE', `/v1/users/${service.id}/api-keys/${id}`, admin.headers);
          expect(code(twice)).toBe('API_KEY_NOT_FOUND');
        });

        it('refuses keys for people, and a non-admin', async () => {
          const person = await createUser(t);
          const forPerson = await call('POST', `/v1/users/${person.id}/api-keys`, admin.headers, {
            name: 'k',
          });
          expect(forPerson.statusCode).toBe(409);
          expect(code(forPerson)).toBe('NOT_A_SERVICE_ACCOUNT');
          const service = await createService();
          const user = await loggedInUser(t);
          const byUser = await call('POST', `/v1/users/${service.id}/api-keys`, user.headers, { name: 'k' });
          expect(code(byUser)).toBe('FORBIDDEN');
          expect((await t.services.stores.apiKeys.listByUser(service.id)).length).toBe(0);
        });

        it('loses its keys with the account', async () => {
          const service = await createService();
          const minted = await call('POST', `/v1/users/${service.id}/api-keys`, admin.headers, { name: 'k' });
          const { key } = minted.json() as { key: string };
          expect((await call('DELETE', `/v1/users/${service.id}`, admin.headers)).statusCode).toBe(204);
          expect((await call('GET', '/v1/me', { 'x-api-key': key })).statusCode).toBe(401);
        });
      });
    },
  );
}
