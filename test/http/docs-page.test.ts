/**
 * The /docs page: its CSP agrees with X-Frame-Options (never framed) and allows nothing from other origins or
 * inline; it carries no framework branding; the document it renders lists the operations by tag and the error
 * table last.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { DOCS_CSP } from '../../src/http/docs-page.js';
import { TAGS } from '../../src/http/route-docs.js';
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

describe('the docs page', () => {
  it('loads only scripts of its own origin, none inline, under its own title and icon', async () => {
    const html = (await t.app.inject({ url: '/docs/' })).body;
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes = '', body = ''] of scripts) {
      expect(attributes).toMatch(/\bsrc="\.\/static\//);
      expect(body.trim()).toBe('');
    }
    expect(html).toContain('<title>Strongroom API</title>');
    expect(html).toContain('theme/favicon.svg');
    expect(html).not.toContain('favicon-32x32.png');
    expect(html).not.toMatch(/swagger ui/i);
  });

  it('has no top bar, no logo and no validator badge', async () => {
    const script = (await t.app.inject({ url: '/docs/static/swagger-initializer.js' })).body;
    expect(script).toContain('"layout":"BaseLayout"');
    expect(script).toContain('validatorUrl: null');
    // The logo would be inlined as a data URL (the Fastify logo by default).
    expect(script).not.toContain('data:image');
    expect(script).not.toMatch(/Sorter/);
  });

  it('renders a document whose tags list the operations first and the error table last', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
      info: { description: string };
      tags: { name: string; description: string }[];
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    expect(doc.tags.map((tag) => tag.name)).toEqual([...TAGS.map((tag) => tag.name), 'errors']);
    const errors = doc.tags.at(-1)?.description ?? '';
    for (const [code, { status }] of Object.entries(ERRORS)) {
      expect(errors).toContain(`| \`${code}\` | ${status} |`);
    }
    expect(doc.info.description).not.toContain('| code |');
    const used = new Set(
      Object.values(doc.paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags ?? [])),
    );
    expect(used.has('errors')).toBe(false);
    for (const tag of TAGS) expect(used.has(tag.name), tag.name).toBe(true);
  });
});
