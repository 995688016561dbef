/**
 * The checks every example customer API must pass, against a real Strongroom over TLS and the real application
 * over TLS (each example's test passes its own starter): authentication and its refusals, revocation within the
 * window and at once with 0, secrets in URLs, a customer written, read masked and revealed, searched and
 * tokenized through @strongroom/client, and logs holding none of the canaries sent to the application.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { unwrap } from '@strongroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strongPassword } from '../helpers/test-app.js';
import { foreignToken, unsignedCopy } from '../packages/forged-tokens.js';
import { call } from '../packages/middleware-apps.js';
import { type CustomerVaultFixture, startCustomerVault } from './customer-api-fixture.js';

export interface ExampleOptions {
  strongroomUrl: string;
  ca: Buffer;
  introspectionKey: string;
  vaultApiKey: string;
  collection: string;
  revocationCheckSeconds: number;
  tls: { key: Buffer; cert: Buffer };
  logDestination: Writable;
  clock?: () => number;
}

export interface RunningExample {
  readonly port: number;
  close(): Promise<void>;
}

export type StartExample = (options: ExampleOptions) => Promise<RunningExample>;

const WINDOW_SECONDS = 1;

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

/** A customer whose every value is unique to this run, so finding it in a log means it leaked. */
function canaryCustomer() {
  const n = randomBytes(2).readUInt16BE();
  return {
    name: `Ada Canary ${randomBytes(4).toString('hex')}`,
    email: `ada.${randomBytes(6).toString('hex')}@example.com`,
    ssn: `219-09-${1000 + (n % 9000)}`,
    date_of_birth: `19${50 + (n % 40)}-0${1 + (n % 9)}-1${n % 10}`,
  };
}

export function describeCustomerApi(
  name: string,
  fields: Parameters<typeof startCustomerVault>[0],
  start: StartExample,
) {
  describe(`the ${name} example customer API`, () => {
    let fixture: CustomerVaultFixture;
    let app: RunningExample;
    let instant: RunningExample;
    let late: RunningExample;
    const logs = captureLogs();

    beforeAll(async () => {
      fixture = await startCustomerVault(fields);
      const { strongroom } = fixture;
      const options = {
        strongroomUrl: strongroom.url,
        ca: strongroom.ca,
        introspectionKey: strongroom.introspectionKey,
        vaultApiKey: fixture.vaultApiKey,
        collection: fixture.collection,
        tls: strongroom.tls,
      };
      app = await start({ ...options, revocationCheckSeconds: WINDOW_SECONDS, logDestination: logs.stream });
      instant = await start({ ...options, revocationCheckSeconds: 0, logDestination: captureLogs().stream });
      // Its clock is an hour ahead: every token Strongroom issues now has expired for it.
      late = await start({
        ...options,
        revocationCheckSeconds: WINDOW_SECONDS,
        logDestination: captureLogs().stream,
        clock: () => Date.now() + 3_600_000,
      });
    });

    afterAll(async () => {
      await Promise.all([app?.close(), instant?.close(), late?.close()]);
      await fixture?.close();
    });

    const request = (
      target: RunningExample,
      path: string,
      token?: string,
      body?: unknown,
      method = body === undefined ? 'GET' : 'POST',
    ) =>
      call(target.port, fixture.strongroom.ca, {
        method,
        path,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        body,
      });

    it('asks for a token (401 AUTHENTICATION_REQUIRED) and serves a valid one with the user', async () => {
      for (const path of ['/me', `/customers/${randomUUID()}`]) {
        const refused = await request(app, path);
        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({ error: { code: 'AUTHENTICATION_REQUIRED' } });
      }
      const user = await fixture.strongroom.login();
      const reply = await request(app, '/me', user.token);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ userId: user.userId, sessionId: expect.any(String), roles: ['user'] });
    });

    it(`refuses a logged-out token within the window (${WINDOW_SECONDS} s), and at once with 0`, async () => {
      const user = await fixture.strongroom.login();
      expect((await request(app, '/me', user.token)).status).toBe(200);
      expect((await request(instant, '/me', user.token)).status).toBe(200);
      await fixture.strongroom.logout(user.token);
      const loggedOutAt = performance.now();
      expect((await request(instant, '/me', user.token)).body).toMatchObject({
        error: { code: 'INVALID_TOKEN' },
      });
      let reply = await request(app, '/me', user.token);
      while (reply.status === 200 && performance.now() - loggedOutAt < WINDOW_SECONDS * 1000 + 1000) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        reply = await request(app, '/me', user.token);
      }
      expect(performance.now() - loggedOutAt).toBeLessThan(WINDOW_SECONDS * 1000 + 250);
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ error: { code: 'INVALID_TOKEN' } });
    });

    it('refuses a session that must change its password (403 PASSWORD_CHANGE_REQUIRED) until a new login after the change', async () => {
      const { strongroom } = fixture;
      const pending = await strongroom.loginPending();
      for (const target of [app, instant]) {
        for (const path of ['/me', `/customers/${randomUUID()}`]) {
          const reply = await request(target, path, pending.token);
          expect(reply.status).toBe(403);
          expect(reply.body).toMatchObject({ error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
        }
      }
      const password = strongPassword();
      await strongroom.changePassword(pending.token, pending.oneTimePassword, password);
      const token = await strongroom.loginAs(pending.username, password);
      for (const target of [app, instant]) {
        const reply = await request(target, '/me', token);
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({ userId: pending.userId });
      }
    });

    it('refuses a token of another issuer, alg none, an expired token and one in ?access_token=', async () => {
      const user = await fixture.strongroom.login();
      for (const forged of [await foreignToken(user.token), unsignedCopy(user.token)]) {
        const reply = await request(app, '/me', forged);
        expect(reply.status).toBe(401);
        expect(reply.body).toMatchObject({ error: { code: 'INVALID_TOKEN' } });
      }
      const expired = await request(late, '/me', user.token);
      expect(expired.status).toBe(401);
      expect(expired.body).toMatchObject({ error: { code: 'INVALID_TOKEN' } });
      const inQuery = await request(app, `/me?access_token=${user.token}`);
      expect(inQuery.status).toBe(400);
      expect(inQuery.body).toMatchObject({
        error: { code: 'SENSITIVE_DATA_IN_URL', field: 'query:access_token' },
      });
    });

    it('refuses ?password=x on its routes (400 SENSITIVE_DATA_IN_URL), with or without a token', async () => {
      const user = await fixture.strongroom.login();
      for (const token of [undefined, user.token]) {
        const reply = await request(app, `/customers/${randomUUID()}?password=x`, token);
        expect(reply.status).toBe(400);
        expect(reply.body).toMatchObject({
          error: { code: 'SENSITIVE_DATA_IN_URL', field: 'query:password' },
        });
      }
    });

    it('stores a customer in Strongroom, reads it masked, reveals it to admins, searches and tokenizes it', async () => {
      const customer = canaryCustomer();
      const user = await fixture.strongroom.login();
      const created = await request(app, '/customers', user.token, customer);
      expect(created.status).toBe(201);
      const { id } = created.body as { id: string };

      const masked = await request(app, `/customers/${id}`, user.token);
      expect(masked.status).toBe(200);
      const view = masked.body as { id: string; fields: Record<string, unknown>; redaction: object };
      expect(view.id).toBe(id);
      expect(view.redaction).toEqual({
        name: 'masked',
        email: 'masked',
        ssn: 'masked',
        date_of_birth: 'masked',
      });
      for (const field of ['name', 'email', 'ssn', 'date_of_birth'] as const) {
        expect(view.fields[field]).not.toBe(customer[field]);
      }

      const notAllowed = await request(app, `/customers/${id}?reveal=ssn`, user.token);
      expect(notAllowed.status).toBe(403);
      const admin = await fixture.strongroom.login(['admin']);
      const revealed = await request(app, `/customers/${id}?reveal=ssn,email`, admin.token);
      expect(revealed.status).toBe(200);
      expect(revealed.body).toMatchObject({
        fields: { ssn: customer.ssn, email: customer.email },
        redaction: { ssn: 'plain', email: 'plain', name: 'masked' },
      });

      const found = await request(app, '/customers/search', user.token, { email: customer.email });
      expect(found.status).toBe(200);
      expect((found.body as { customers: { id: string }[] }).customers.map((c) => c.id)).toEqual([id]);
      const nobody = await request(app, '/customers/search', user.token, { email: `x${customer.email}` });
      expect(nobody.body).toEqual({ customers: [] });

      const tokenized = await request(app, `/customers/${id}/tokens`, user.token, { field: 'ssn' });
      expect(tokenized.status).toBe(201);
      const { token } = tokenized.body as { token: string };
      expect(token).not.toContain(customer.ssn);
      const values = unwrap(
        await fixture.vault.POST('/v1/tokens/detokenize', { body: { tokens: [token] }, purpose: 'billing' }),
      );
      expect(values.values).toEqual([{ token, type: 'ssn', value: customer.ssn }]);
    });

    it('answers a missing customer 404 and an invalid one 400 naming the field', async () => {
      const user = await fixture.strongroom.login();
      const missing = await request(app, `/customers/${randomUUID()}`, user.token);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ error: { code: 'CUSTOMER_NOT_FOUND' } });
      const invalid = await request(app, '/customers', user.token, {
        ...canaryCustomer(),
        email: 'not an email',
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'body.email' } });
    });

    it('keeps every canary sent to it (PII, tokens, keys) out of its log', async () => {
      const customer = canaryCustomer();
      const user = await fixture.strongroom.login();
      const created = await request(app, '/customers', user.token, customer);
      expect(created.status).toBe(201);
      const { id } = created.body as { id: string };
      const admin = await fixture.strongroom.login(['admin']);
      expect(
        (await request(app, `/customers/${id}?reveal=name,email,ssn,date_of_birth`, admin.token)).status,
      ).toBe(200);
      expect((await request(app, '/customers/search', user.token, { email: customer.email })).status).toBe(
        200,
      );
      const invalid = await request(app, '/customers', user.token, { ...customer, ssn: `${customer.ssn}9` });
      expect(invalid.status).toBe(400);
      expect((await request(app, `/me?password=${customer.name.split(' ')[2]}`, user.token)).status).toBe(
        400,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));

      const text = logs.lines.join('\n');
      expect(text).toContain('customer created');
      const canaries = {
        ...customer,
        urlPassword: customer.name.split(' ')[2] ?? '',
        userToken: user.token,
        adminToken: admin.token,
        vaultApiKey: fixture.vaultApiKey,
        introspectionKey: fixture.strongroom.introspectionKey,
      };
      for (const [field, canary] of Object.entries(canaries)) {
        expect(text.includes(canary), `${field} leaked into the log`).toBe(false);
      }
    });
  });
}
