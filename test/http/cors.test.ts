/**
 * CORS is explicit: every answer names this server's own public origin as the only one that may read it, whatever
 * Origin the request claims; there are no credentials, methods or preflight answers for other origins. The
 * document declares the header on every response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await createTestApp({ flags: { publicUrl: 'https://vault.example.test:8443/' } });
  origin = 'https://vault.example.test:8443';
});
afterAll(async () => {
  await t.close();
});

describe('CORS', () => {
  it('names only its own origin on successes and errors, never the caller’s', async () => {
    const user = await loggedInUser(t);
    for (const [url, headers] of [
      ['/healthz', {}],
      ['/v1/me', user.headers],
      ['/v1/me', {}],
      ['/no-such-route', {}],
      ['/v1/users?limit=zero', user.headers],
    ] as const) {
      const response = await t.app.inject({ url, headers: { ...headers, origin: 'https://evil.example' } });
      expect(response.headers['access-control-allow-origin'], url).toBe(origin);
      expect(response.headers['access-control-allow-credentials'], url).toBeUndefined();
    }
  });

  it('answers no preflight, so a browser on another origin cannot send a credentialed request', async () => {
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/me',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.headers['access-control-allow-methods']).toBeUndefined();
    expect(response.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('declares the header on every response of every operation', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>;
    };
    let responses = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(response.headers, `${method} ${path} ${status}`).toHaveProperty(
            'Access-Control-Allow-Origin',
          );
          responses++;
        }
      }
    }
    expect(responses).toBeGreaterThan(200);
  });
});
