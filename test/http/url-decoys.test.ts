/**
 * The URL guard and the plain-HTTP revoker against decoys and credential carriers the router would otherwise let
 * through: a real secret right behind a secret-looking prefix, userinfo in an absolute-form target, and
 * credential-named `;name=value` path parameters.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlainHttpServer } from '../../src/http/plain-http-server.js';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let httpsPort: number;
let plain: http.Server;
let plainPort: number;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  httpsPort = (t.app.server.address() as AddressInfo).port;
  plain = createPlainHttpServer({ revoker: t.services.revoker, logger: t.logger });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  plainPort = (plain.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => plain.close(() => resolve()));
  await t.close();
});

interface Reply {
  status: number;
  body: string;
}

/** Sends `target` as the request line's target, verbatim, over TLS or plain HTTP. */
function send(target: string, headers: http.OutgoingHttpHeaders, secure: boolean): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', path: target, headers, agent: false };
    const onResponse = (response: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    };
    const request = secure
      ? https.request({ ...options, port: httpsPort, ca: t.caCert, servername: 'localhost' }, onResponse)
      : http.request({ ...options, port: plainPort }, onResponse);
    request.on('error', reject);
    request.end();
  });
}

const DECOYS = ['srk_', `srk_${'A'.repeat(46)}`, 'srr_x', 'eyJfake.', 'eyJhbGciOiJub25lIn0.', 'x'];

describe('the URL guard', () => {
  it('refuses an absolute-form target with userinfo, over a real connection', async () => {
    const user = await loggedInUser(t);
    for (const target of [
      'https://alice:hunter2@localhost/v1/me',
      'https://alice@localhost/v1/me',
      '//alice:hunter2@localhost/v1/me',
    ]) {
      const reply = await send(target, user.headers, true);
      expect(reply.status, target).toBe(400);
      expect(JSON.parse(reply.body), target).toMatchObject({
        error: { code: 'SENSITIVE_DATA_IN_URL', field: 'url:userinfo' },
      });
      expect(reply.body).not.toContain('hunter2');
    }
    // The same target without userinfo is served: only the credentials are refused.
    expect((await send('https://localhost/v1/me', user.headers, true)).status).toBe(200);
  });

  it('refuses credential-named path parameters before routing', async () => {
    const user = await loggedInUser(t);
    for (const target of [
      '/v1/me;password=hunter2',
      '/v1/users/x;api_key=hunter2',
      '/v1/me%3Btoken%3Dhunter2',
    ]) {
      const response = await t.app.inject({ url: target, headers: user.headers });
      expect(response.statusCode, target).toBe(400);
      expect(response.json(), target).toMatchObject({ error: { code: 'SENSITIVE_DATA_IN_URL' } });
      expect(response.body).not.toContain('hunter2');
    }
  });

  it('refuses a real credential behind any decoy', async () => {
    const user = await loggedInUser(t);
    const { key } = await t.services.apiKeys.create(user.id, randomUUID(), { name: 'decoy' });
    for (const decoy of DECOYS) {
      for (const secret of [key, user.tokens.access_token]) {
        const response = await t.app.inject({ url: `/v1/records/${decoy}${secret}`, headers: user.headers });
        expect(response.statusCode, decoy).toBe(400);
        expect(response.json()).toMatchObject({ error: { code: 'SENSITIVE_DATA_IN_URL', field: 'path:2' } });
        expect(response.body).not.toContain(secret);
      }
    }
  });
});

describe('the plain-HTTP revoker', () => {
  it('revokes a key and a session sent behind a decoy', async () => {
    for (const decoy of DECOYS) {
      const user = await loggedInUser(t);
      const { key } = await t.services.apiKeys.create(user.id, randomUUID(), { name: 'decoy' });
      expect((await t.app.inject({ url: '/v1/me', headers: { 'x-api-key': key } })).statusCode).toBe(200);
      const reply = await send(`/v1/x/${decoy}${key}?q=${decoy}${user.tokens.access_token}`, {}, false);
      expect(reply.status).toBe(426);
      expect((await t.app.inject({ url: '/v1/me', headers: { 'x-api-key': key } })).statusCode, decoy).toBe(
        401,
      );
      expect((await t.app.inject({ url: '/v1/me', headers: user.headers })).statusCode, decoy).toBe(401);
    }
  });
});
