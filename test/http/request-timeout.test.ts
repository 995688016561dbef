/**
 * The request timeout (README "Limits on the wire": a whole request within 30 s, STRONGROOM_REQUEST_TIMEOUT_MS)
 * holds for a client that drips its headers and for one that drips its body, over real TLS. Node checks the limit
 * every second (timeouts.ts), so each connection is cut between the limit and about a second after it; with
 * Node's defaults the same clients were cut at about 51 s (headers) and 90 s (body) under a 30 s setting.
 * Measured here on a server configured with 2 s: a range with generous slack, not a tight timing assertion.
 */
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTIONS_CHECKING_INTERVAL_MS, REQUEST_TIMEOUT_MS } from '../../src/http/timeouts.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const LIMIT_MS = 2000;
const DRIP_EVERY_MS = 200;
// The check runs every interval; the rest is room for a loaded machine (two cores, several test runs).
const LATEST_MS = LIMIT_MS + CONNECTIONS_CHECKING_INTERVAL_MS + 2500;
// A client still connected this long after the limit was not cut by it.
const GIVE_UP_MS = LIMIT_MS + 15_000;

interface Dripped {
  /** Milliseconds from the first byte of the request until the server closed the connection, or null. */
  closedAfter: number | null;
  received: string;
}

/** Sends `head` at once, then one byte of `drip` every 200 ms, until the server closes the connection. */
function drip(t: TestApp, port: number, head: string, drip: string): Promise<Dripped> {
  return new Promise((resolve, reject) => {
    let received = '';
    let started = 0;
    let timer: NodeJS.Timeout | undefined;
    const socket = tls.connect({ host: '127.0.0.1', port, ca: t.caCert, servername: 'localhost' }, () => {
      started = performance.now();
      socket.write(head);
      let sent = 0;
      timer = setInterval(() => {
        if (socket.writable) socket.write(drip[sent++ % drip.length] ?? ' ');
      }, DRIP_EVERY_MS);
    });
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      resolve({ closedAfter: null, received });
    }, GIVE_UP_MS);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.once('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ closedAfter: started === 0 ? null : performance.now() - started, received });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // The server may reset the connection while the client is still writing.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
  });
}

describe('the request timeout', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ flags: { requestTimeoutMs: LIMIT_MS } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
  });

  it('is 30 s unless configured, for headers and body alike, checked every second', async () => {
    const plain = await createTestApp();
    try {
      expect(REQUEST_TIMEOUT_MS).toBe(30_000);
      expect(plain.config.requestTimeoutMs).toBe(REQUEST_TIMEOUT_MS);
      expect(plain.app.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
      expect(plain.app.server.headersTimeout).toBe(REQUEST_TIMEOUT_MS);
    } finally {
      await plain.close();
    }
    expect(t.app.server.requestTimeout).toBe(LIMIT_MS);
    expect(t.app.server.headersTimeout).toBe(LIMIT_MS);
  });

  it('cuts a client dripping its headers at the limit, not before', async () => {
    const result = await drip(t, port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Drip: ', 'abcdefgh');
    expect(result.closedAfter, 'still open long after the limit').not.toBeNull();
    expect(result.closedAfter).toBeGreaterThanOrEqual(LIMIT_MS - 100);
    expect(result.closedAfter).toBeLessThan(LATEST_MS);
    expect(result.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts a client dripping its body at the limit, not before', async () => {
    const head =
      'POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      'Content-Length: 4096\r\n\r\n{"username":"';
    const result = await drip(t, port, head, 'abcdefgh');
    expect(result.closedAfter, 'still open long after the limit').not.toBeNull();
    expect(result.closedAfter).toBeGreaterThanOrEqual(LIMIT_MS - 100);
    expect(result.closedAfter).toBeLessThan(LATEST_MS);
    expect(result.received).toMatch(/^HTTP\/1\.1 408 /);
  });
});
