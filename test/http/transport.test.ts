/**
 * Transport guarantees, checked on real listeners: the API answers over HTTPS only (TLS 1.2+, forward-secret AEAD
 * suites, HSTS on every response); the optional plain-HTTP port answers 426 HTTPS_REQUIRED without reading the body
 * and revokes any credential that reached it; behind a trusted proxy, a request forwarded as plain http is refused
 * and its credential revoked the same way.
 */

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlainHttpServer } from '../../src/http/plain-http-server.js';
import { createTestApp, loggedInUser, loginThroughProxy, type TestApp } from '../helpers/test-app.js';

const HSTS = 'max-age=63072000; includeSubDomains';
const AEAD = /GCM|CHACHA20-POLY1305/;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

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

function collect(response: http.IncomingMessage): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () =>
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        body: Buffer.concat(chunks).toString(),
      }),
    );
    response.on('error', reject);
  });
}

/** One request over TLS to the app, trusting only the development CA. */
function httpsRequest(
  path: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<Reply & { cipher: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port: httpsPort,
        path,
        headers,
        ca: t.caCert,
        servername: 'localhost',
        agent: false,
      },
      (response) => {
        const cipher = (response.socket as tls.TLSSocket).getCipher().name;
        collect(response).then((reply) => resolve({ ...reply, cipher }), reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** Handshakes with the app's listener; resolves with what was negotiated or rejects with the TLS error. */
function handshake(options: tls.ConnectionOptions): Promise<{ protocol: string; cipher: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: httpsPort, servername: 'localhost', ...options });
    socket.once('secureConnect', () => {
      resolve({ protocol: socket.getProtocol() ?? '', cipher: socket.getCipher().name });
      socket.end();
    });
    socket.once('error', reject);
  });
}

/**
 * Sends the headers and only `sent` bytes of a body announced as `announced` bytes, then waits for the answer.
 * A server that read the body before answering would never answer: the rest of the body is never sent.
 */
function sendPartialBody(
  path: string,
  headers: http.OutgoingHttpHeaders,
  announced = 10 * 1024 * 1024,
  sent = 1024,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const timer = setTimeout(() => reject(new Error('no response before the body was complete')), 5_000);
    const request = http.request(
      {
        host: '127.0.0.1',
        port: plainPort,
        method: 'POST',
        path,
        agent: false,
        // Keep-alive asked for, so the `connection: close` in the answer is the server's own decision.
        headers: {
          'content-type': 'application/json',
          'content-length': announced,
          connection: 'keep-alive',
          ...headers,
        },
      },
      (response) => {
        answered = true;
        clearTimeout(timer);
        collect(response).then(resolve, reject);
      },
    );
    // The server closes the connection while the client still owes most of the body: that error is expected.
    request.on('error', (error) => {
      if (!answered) {
        clearTimeout(timer);
        reject(error);
      }
    });
    request.write(Buffer.alloc(sent, 0x61));
  });
}

async function meStatus(headers: Record<string, string>): Promise<number> {
  return (await t.app.inject({ url: '/v1/me', headers })).statusCode;
}

async function exposureEvents() {
  return t.services.stores.securityEvents.list({ type: 'credential_exposed_over_http' });
}

function expectHttpsRequired(reply: Reply): string {
  expect(reply.status).toBe(426);
  expect(reply.headers.connection).toBe('close');
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(reply.body) as { error: { code: string; request_id: string } };
  expect(body.error.code).toBe('HTTPS_REQUIRED');
  return body.error.request_id;
}

describe('HTTPS listener', () => {
  it('serves /healthz over TLS with HSTS and an AEAD suite', async () => {
    const reply = await httpsRequest('/healthz');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ status: 'ok', sealed: false });
    expect(reply.headers['strict-transport-security']).toBe(HSTS);
    expect(reply.cipher).toMatch(AEAD);
  });

  it('sends HSTS on a 404 and on a 401 too', async () => {
    const missing = await httpsRequest('/no-such-route');
    expect(missing.status).toBe(404);
    expect(missing.headers['strict-transport-security']).toBe(HSTS);
    const unauthenticated = await httpsRequest('/v1/me');
    expect(unauthenticated.status).toBe(401);
    expect(JSON.parse(unauthenticated.body).error.code).toBe('AUTHENTICATION_REQUIRED');
    expect(unauthenticated.headers['strict-transport-security']).toBe(HSTS);
  });

  it('gives a plain-HTTP request to the HTTPS port no API response', async () => {
    const raw = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      const socket = net.connect({ host: '127.0.0.1', port: httpsPort }, () => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      });
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.setTimeout(5_000, () => socket.destroy());
    });
    expect(raw).not.toMatch(/^HTTP\/1\.[01] 200/);
    expect(raw).not.toContain('"status"');

    const viaClient = await new Promise<number | Error>((resolve) => {
      const request = http.get(
        { host: '127.0.0.1', port: httpsPort, path: '/healthz', agent: false },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', resolve);
    });
    if (typeof viaClient === 'number') expect(viaClient).toBe(400);
    else expect(viaClient).toBeInstanceOf(Error);
  });

  it('negotiates TLS 1.2 with an ECDHE AEAD suite when the client allows no more', async () => {
    // The control for the refusals below: the same client setup succeeds when it offers an allowed suite.
    const result = await handshake({ ca: t.caCert, maxVersion: 'TLSv1.2' });
    expect(result.protocol).toBe('TLSv1.2');
    expect(result.cipher).toMatch(/^ECDHE-/);
    expect(result.cipher).toMatch(AEAD);
  });

  it('refuses a TLS 1.1 client', async () => {
    // SECLEVEL=0 lets the client offer TLS 1.0/1.1, so the refusal comes from the server.
    await expect(
      handshake({ ca: t.caCert, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }),
    ).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
  });

  it('refuses TLS 1.2 clients that offer only CBC or non-forward-secret suites', async () => {
    // ECDHE-ECDSA CBC suites match the server's EC certificate: only the cipher policy can refuse them.
    for (const ciphers of [
      'ECDHE-ECDSA-AES128-SHA256',
      'ECDHE-ECDSA-AES256-SHA',
      'AES128-GCM-SHA256:AES256-SHA',
    ]) {
      await expect(handshake({ ca: t.caCert, maxVersion: 'TLSv1.2', ciphers })).rejects.toMatchObject({
        code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      });
    }
  });
});

describe('plain-HTTP port', () => {
  const secrets: string[] = [];

  afterAll(() => {
    const logs = t.logs.join('\n');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });

  it('answers 426 without reading the body and revokes the bearer token it carried', async () => {
    const user = await loggedInUser(t);
    secrets.push(user.tokens.access_token, user.tokens.refresh_token);
    expect(await meStatus(user.headers)).toBe(200);

    const reply = await sendPartialBody('/v1/me/password', user.headers);
    const requestId = expectHttpsRequired(reply);

    const me = await httpsRequest('/v1/me', user.headers);
    expect(me.status).toBe(401);
    expect(JSON.parse(me.body).error.code).toBe('INVALID_TOKEN');
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: user.tokens.refresh_token },
    });
    expect(refresh.statusCode).toBe(401);
    const event = (await exposureEvents()).find((e) => e.userId === user.id);
    expect(event).toMatchObject({ detail: { credential: 'access_token' }, clientAddress: '127.0.0.1' });
    expect(event?.sessionId).toEqual(expect.any(String));
    // The plain port logs to the app's logger: the check that no secret reached the logs is not vacuous.
    expect(t.logs.some((line) => line.includes(requestId))).toBe(true);
  });

  it('revokes an API key sent in X-API-Key', async () => {
    const user = await loggedInUser(t);
    const { key, id } = await t.services.apiKeys.create(user.id, randomUUID(), { name: 'exposed' });
    secrets.push(key);
    expect(await meStatus({ 'x-api-key': key })).toBe(200);

    expectHttpsRequired(await sendPartialBody('/v1/me', { 'x-api-key': key }));

    expect(await meStatus({ 'x-api-key': key })).toBe(401);
    expect(await t.services.apiKeys.list(user.id)).toEqual([]);
    expect((await exposureEvents()).find((e) => e.apiKeyId === id)).toMatchObject({
      userId: user.id,
      detail: { credential: 'api_key' },
    });
    // Only the key was exposed: the user's session is untouched.
    expect(await meStatus(user.headers)).toBe(200);
  });

  it('revokes an API key sent in the URL query', async () => {
    const user = await loggedInUser(t);
    const { key, id } = await t.services.apiKeys.create(user.id, randomUUID(), { name: 'in-url' });
    secrets.push(key);
    expect(await meStatus({ 'x-api-key': key })).toBe(200);

    const reply = await new Promise<Reply>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port: plainPort,
            path: `/v1/me?api_key=${key}`,
            agent: false,
            headers: { connection: 'keep-alive' },
          },
          (response) => collect(response).then(resolve, reject),
        )
        .on('error', reject);
    });
    expectHttpsRequired(reply);

    expect(await meStatus({ 'x-api-key': key })).toBe(401);
    expect((await exposureEvents()).some((e) => e.apiKeyId === id)).toBe(true);
  });

  it('answers 426 to an invalid token and changes nothing', async () => {
    const user = await loggedInUser(t);
    secrets.push(user.tokens.access_token);
    const token = user.tokens.access_token;
    // Same header and payload as the user's real token, broken signature: it proves nothing and must revoke nothing.
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    const forged = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    const before = await exposureEvents();

    for (const headers of [
      { authorization: `Bearer ${forged}` },
      { authorization: 'Bearer not-a-token' },
      { 'x-api-key': `srk_${'a'.repeat(49)}` },
    ]) {
      expectHttpsRequired(await sendPartialBody('/v1/me', headers));
    }

    expect(await exposureEvents()).toEqual(before);
    expect(await meStatus(user.headers)).toBe(200);
  });
});

describe('behind a TLS-terminating proxy (--trust-proxy)', () => {
  let proxied: TestApp;

  beforeAll(async () => {
    proxied = await createTestApp({ flags: { trustProxy: 'true' } });
  });

  afterAll(async () => {
    await proxied.close();
  });

  const proxiedLogin = () => loginThroughProxy(proxied);

  it('refuses a request forwarded as plain http before reading its body, and revokes its token', async () => {
    const user = await proxiedLogin();
    const forwarded = { ...user.headers, 'x-forwarded-proto': 'https' };
    expect((await proxied.app.inject({ url: '/v1/me', headers: forwarded })).statusCode).toBe(200);

    const refused = await proxied.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      // Not JSON: a server that parsed the body first would answer 400 INVALID_JSON.
      headers: { ...user.headers, 'x-forwarded-proto': 'http', 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(refused.statusCode).toBe(426);
    expect(refused.json().error.code).toBe('HTTPS_REQUIRED');
    expect(refused.headers.connection).toBe('close');
    expect(refused.headers['strict-transport-security']).toBe(HSTS);

    expect((await proxied.app.inject({ url: '/v1/me', headers: forwarded })).statusCode).toBe(401);
    const events = await proxied.services.stores.securityEvents.list({
      type: 'credential_exposed_over_http',
    });
    expect(events.some((e) => e.userId === user.id)).toBe(true);
    expect(proxied.logs.join('\n')).not.toContain(user.token);
  });

  it('serves a request forwarded as https', async () => {
    const user = await proxiedLogin();
    const headers = { ...user.headers, 'x-forwarded-proto': 'https' };
    const me = await proxied.app.inject({ url: '/v1/me', headers });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: user.id });
    expect((await proxied.app.inject({ url: '/v1/me', headers })).statusCode).toBe(200);
    const events = await proxied.services.stores.securityEvents.list({
      type: 'credential_exposed_over_http',
    });
    expect(events.some((e) => e.userId === user.id)).toBe(false);
  });

  it('refuses an unauthenticated request forwarded as plain http too', async () => {
    const refused = await proxied.app.inject({ url: '/healthz', headers: { 'x-forwarded-proto': 'http' } });
    expect(refused.statusCode).toBe(426);
    expect(refused.json().error.code).toBe('HTTPS_REQUIRED');
  });
});
