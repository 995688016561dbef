/**
 * A real Strongroom server listening over TLS on a free port (test-app.ts), and a `fetch` for the client that
 * counts what it puts on the wire: method, path and which credential headers were sent (names only, so no token
 * ends up in a test's output). It wraps undici's real `fetch`; nothing is answered by the wrapper.
 */
import type { AddressInfo } from 'node:net';
import type { Fetch } from '@strongroom/client';
import { fetch as undiciFetch } from 'undici';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

export interface SentRequest {
  method: string;
  path: string;
  credentialHeaders: string[];
  status: number;
}

export async function startServer(options: Parameters<typeof createTestApp>[0] = {}) {
  const t = await createTestApp(options);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (t.app.server.address() as AddressInfo).port;
  return { t, baseUrl: `https://127.0.0.1:${port}`, ca: t.caCert.toString() };
}

export type Server = Awaited<ReturnType<typeof startServer>>;

export function countingFetch(): { fetch: Fetch; sent: SentRequest[]; count(path: string): number } {
  const sent: SentRequest[] = [];
  const fetch: Fetch = async (url, init) => {
    const response = (await undiciFetch(url, init)) as unknown as Response;
    sent.push({
      method: init.method,
      path: new URL(url).pathname,
      credentialHeaders: Object.keys(init.headers).filter(
        (name) => name === 'authorization' || name === 'x-api-key',
      ),
      status: response.status,
    });
    return response;
  };
  return { fetch, sent, count: (path) => sent.filter((request) => request.path === path).length };
}

export type { TestApp };
