/**
 * The /docs page: its CSP agrees with X-Frame-Options (never framed) and allows nothing from other origins or
 * inline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_CSP } from '../../src/http/docs-page.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The CSP directives of `header` by name. */
function directives(header: string): Map<string, string[]> {
  return new Map(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== '')
      .map(([name = '', ...values]) => [name, values]),
  );
}

describe('headers of the docs page and the API', () => {
  it('never lets the docs page be framed, in the CSP and in X-Frame-Options alike', async () => {
    for (const url of [
      '/docs/',
      '/docs/static/swagger-initializer.js',
      '/docs/static/swagger-ui.css',
      '/docs/json',
    ]) {
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-security-policy'], url).toBe(DOCS_CSP);
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(directives(DOCS_CSP).get('frame-ancestors')).toEqual(["'none'"]);
    }
  });

  it('allows the docs page nothing inline, nothing evaluated and nothing from another origin', () => {
    const csp = directives(DOCS_CSP);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    for (const [name, values] of csp) {
      for (const value of values) {
        expect(["'self'", "'none'", 'data:'], `${name} ${value}`).toContain(value);
        if (value === 'data:') expect(name).toBe('img-src');
      }
    }
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('script-src-attr')).toEqual(["'none'"]);
  });

  it('keeps the deny-all CSP and DENY on API answers, successes and errors', async () => {
    for (const url of ['/healthz', '/v1/me', '/openapi.json', '/no-such-route']) {
      const response = await t.app.inject({ url });
      expect(response.headers['content-security-policy'], url).toBe(API_CSP);
      expect(response.headers['x-frame-options'], url).toBe('DENY');
    }
  });
});
