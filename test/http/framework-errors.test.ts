/**
 * Errors raised before any hook runs: Fastify's router errors (malformed percent-encoding, over-long path
 * parameters) and Node's parser errors (oversized headers, malformed requests, timeouts). Each must still get the
 * URL guard, the transport guard, the security headers and the public error shape, and never echo the URL.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import type { ConnectionError } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { createClientErrorHandler } from '../../src/http/plugins/client-errors.js';
import { createTestApp, loggedInUser, loginThroughProxy, type TestApp } from '../helpers/test-app.js';

const HSTS = 'max-age=63072000; includeSubDomains';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await t.close();
});

function connect(): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: t.caCert, servername: 'localhost' }, () =>
      resolve(socket),
    );
    socket.once('error', reject);
  });
}

/** Reads everything the server sends until it closes the connection. */
function readAll(socket: tls.TLSSocket): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET') reject(err);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

/** Sends raw bytes over TLS and reads the whole answer. */
async function sendRaw(bytes: string): Promise<RawReply> {
  const socket = await connect();
  const reply = readAll(socket);
  socket.write(bytes);
  return reply;
}

function expectErrorShape(body: unknown, code: keyof typeof ERRORS) {
  expect(body).toEqual({
    error: { code, message: ERRORS[code].message, request_id: expect.stringMatching(UUID) },
  });
}

function expectSecurityHeaders(headers: Record<string, string | string[] | number | undefined>) {
  expect(headers['strict-transport-security']).toBe(HSTS);
  expect(headers['cache-control']).toBe('no-store');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  // Every answer names the one origin allowed to read it, those written straight to the socket included.
  expect(headers['access-control-allow-origin']).toMatch(/^https:\/\/[^/]+$/);
}

describe('router errors', () => {
  it('refuse an access token in an over-long path parameter without echoing it', async () => {
    const user = await loggedInUser(t);
    const token = user.tokens.access_token;
    const response = await t.app.inject({ url: `/v1/users/${token}`, headers: user.headers });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: 'SENSITIVE_DATA_IN_URL',
        message: ERRORS.SENSITIVE_DATA_IN_URL.message,
        field: 'path:2',
        request_id: response.headers['x-request-id'],
      },
    });
    expectSecurityHeaders(response.headers);
    expect(response.body).not.toContain(token);
    expect(response.body).not.toContain(token.split('.')[2]);
    expect(t.logs.join('\n')).not.toContain(token);
  });

  it('refuse a refresh token in the query of a malformed URL without echoing either', async () => {
    const user = await loggedInUser(t);
    const refresh = user.tokens.refresh_token;
    const response = await t.app.inject({ url: `/v1/me/%ZZ?x=${refresh}` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'SENSITIVE_DATA_IN_URL', field: 'query:x' } });
    expectSecurityHeaders(response.headers);
    expect(response.body).not.toContain(refresh);
    expect(response.body).not.toContain('%ZZ');
    expect(t.logs.join('\n')).not.toContain(refresh);
  });

  it('answer malformed percent-encoding with MALFORMED_URL', async () => {
    const response = await t.app.inject({ url: '/v1/me/%ZZsecret-looking-name' });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'MALFORMED_URL');
    expect(response.json().error.request_id).toBe(response.headers['x-request-id']);
    expectSecurityHeaders(response.headers);
    expect(response.body).not.toContain('secret-looking-name');
    expect(response.body).not.toContain('FST_ERR');
  });

  it('refuse a path parameter too long for its route with 400 naming the parameter, never its value', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const value = `x${'y'.repeat(200)}`;
    for (const [url, field] of [
      [`/v1/users/${value}`, 'path.id'],
      [`/v1/collections/${value}`, 'path.collection'],
      [`/v1/collections/patients/records/${value}`, 'path.id'],
    ] as const) {
      const response = await t.app.inject({ url, headers: admin.headers });
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({ error: { code: 'VALIDATION_FAILED', field } });
      expectSecurityHeaders(response.headers);
      expect(response.body).not.toContain(value);
    }
  });

  it('route a path parameter longer than the router default of 100 that its schema allows', async () => {
    // `subject` may be 256 characters: the route answers (no credential), not the router.
    const response = await t.app.inject({ method: 'POST', url: `/v1/subjects/${'s'.repeat(150)}/erase` });
    expect(response.statusCode).toBe(401);
    expectErrorShape(response.json(), 'AUTHENTICATION_REQUIRED');
  });

  it('answer a path parameter in a URL over 8 KB with URL_TOO_LONG, like any such URL', async () => {
    const response = await t.app.inject({ url: `/v1/users/${'y'.repeat(9000)}` });
    expect(response.statusCode).toBe(414);
    expectErrorShape(response.json(), 'URL_TOO_LONG');
    expectSecurityHeaders(response.headers);
  });

  it('carry the same headers and shape over a real TLS connection', async () => {
    const user = await loggedInUser(t);
    const reply = await sendRaw(
      `GET /v1/users/${user.tokens.access_token} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    expect(reply.status).toBe(400);
    expectSecurityHeaders(reply.headers);
    expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 'SENSITIVE_DATA_IN_URL' } });
    expect(reply.body).not.toContain(user.tokens.access_token);
  });

  it('refuse an absurdly long URL that passes the router', async () => {
    const response = await t.app.inject({ url: `/healthz?q=${'a'.repeat(9000)}` });
    expect(response.statusCode).toBe(414);
    expectErrorShape(response.json(), 'URL_TOO_LONG');
  });
});

describe('router errors behind a trusted proxy', () => {
  let proxied: TestApp;

  beforeAll(async () => {
    proxied = await createTestApp({ flags: { trustProxy: 'true' } });
  });

  afterAll(async () => {
    await proxied.close();
  });

  const proxiedLogin = () => loginThroughProxy(proxied);

  it.each([
    ['malformed percent-encoding', '/v1/me/%ZZ'],
    ['an over-long path parameter', `/v1/users/${'y'.repeat(200)}`],
  ])('refuse %s forwarded as plain http with 426 and revoke its token', async (_name, url) => {
    const user = await proxiedLogin();
    const forwarded = { ...user.headers, 'x-forwarded-proto': 'https' };
    expect((await proxied.app.inject({ url: '/v1/me', headers: forwarded })).statusCode).toBe(200);

    const refused = await proxied.app.inject({
      url,
      headers: { ...user.headers, 'x-forwarded-proto': 'http' },
    });
    expect(refused.statusCode).toBe(426);
    expectErrorShape(refused.json(), 'HTTPS_REQUIRED');
    expect(refused.headers.connection).toBe('close');
    expectSecurityHeaders(refused.headers);

    const after = await proxied.app.inject({ url: '/v1/me', headers: forwarded });
    expect(after.statusCode).toBe(401);
    const events = await proxied.services.stores.securityEvents.list({
      type: 'credential_exposed_over_http',
    });
    expect(events.some((e) => e.userId === user.id)).toBe(true);
    expect(refused.body).not.toContain(user.token);
    expect(proxied.logs.join('\n')).not.toContain(user.token);
  });

  it('answer a malformed URL forwarded as https as usual', async () => {
    const user = await proxiedLogin();
    const headers = { ...user.headers, 'x-forwarded-proto': 'https' };
    const response = await proxied.app.inject({ url: '/v1/me/%ZZ', headers });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('MALFORMED_URL');
    expect((await proxied.app.inject({ url: '/v1/me', headers })).statusCode).toBe(200);
  });
});

describe('parser errors', () => {
  it('answer oversized headers with 431 in our shape, with HSTS', async () => {
    const secret = `srk_${randomUUID()}`;
    const reply = await sendRaw(
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${secret}${'a'.repeat(20 * 1024)}\r\n\r\n`,
    );
    expect(reply.status).toBe(431);
    expectSecurityHeaders(reply.headers);
    expect(reply.headers.connection).toBe('close');
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(reply.body) as { error: { request_id: string } };
    expectErrorShape(body, 'HEADERS_TOO_LARGE');
    expect(reply.headers['x-request-id']).toBe(body.error.request_id);
    expect(reply.body).not.toContain(secret);
  });

  it('answer a malformed request line with 400 in our shape, with HSTS', async () => {
    const reply = await sendRaw('NOT AN HTTP REQUEST\r\n\r\n');
    expect(reply.status).toBe(400);
    expectSecurityHeaders(reply.headers);
    expectErrorShape(JSON.parse(reply.body), 'MALFORMED_REQUEST');
  });

  it('answer a request that timed out with 408 in our shape', async () => {
    const serverSide = new Promise<Socket>((resolve) => t.app.server.once('secureConnection', resolve));
    const socket = await connect();
    const reply = readAll(socket);
    socket.write('POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{');
    const timeout = Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
    t.app.server.emit('clientError', timeout, await serverSide);
    const { status, headers, body } = await reply;
    expect(status).toBe(408);
    expectSecurityHeaders(headers);
    expectErrorShape(JSON.parse(body), 'REQUEST_TIMEOUT');
  });

  it('write nothing to a socket that is no longer writable, and close it', () => {
    const socket = { writable: false, destroyed: false, write: vi.fn(), end: vi.fn(), destroy: vi.fn() };
    const handle = createClientErrorHandler({
      logger: { debug: vi.fn() } as never,
      corsOrigin: 'https://localhost:8443',
    });
    handle(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }) as ConnectionError, socket as never);
    expect(socket.write).not.toHaveBeenCalled();
    expect(socket.end).not.toHaveBeenCalled();
    expect(socket.destroy).toHaveBeenCalledOnce();
  });

  it('leave a reset connection alone', () => {
    const socket = { writable: true, destroyed: false, end: vi.fn(), destroy: vi.fn() };
    const handle = createClientErrorHandler({
      logger: { debug: vi.fn() } as never,
      corsOrigin: 'https://localhost:8443',
    });
    handle(Object.assign(new Error('x'), { code: 'ECONNRESET' }) as ConnectionError, socket as never);
    expect(socket.end).not.toHaveBeenCalled();
    expect(socket.destroy).not.toHaveBeenCalled();
  });
});

describe('timeouts', () => {
  it('bound how long a request and an idle connection may take', () => {
    expect(t.app.server.requestTimeout).toBe(30_000);
    expect(t.app.server.timeout).toBe(60_000);
  });
});
