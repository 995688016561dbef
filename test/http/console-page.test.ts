/**
 * The console at /console/: every answer under it, errors included, carries the console's CSP and the usual
 * security headers; only the files of the console build are served, and no path (encoded or not) reaches a file
 * beside them; the built page has no inline script or style and keeps no token in browser storage; the routes
 * stay out of the OpenAPI document.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDistDir, readConsoleFiles } from '../../src/http/console-files.js';
import { CONSOLE_CSP } from '../../src/http/console-page.js';
import { HSTS } from '../../src/http/plugins/security-headers.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
const dist = consoleDistDir();
const built = readConsoleFiles(dist);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

function expectConsoleHeaders(response: { headers: Record<string, unknown> }, url: string) {
  expect(response.headers['content-security-policy'], url).toBe(CONSOLE_CSP);
  expect(response.headers['x-frame-options'], url).toBe('DENY');
  expect(response.headers['strict-transport-security'], url).toBe(HSTS);
  expect(response.headers['x-content-type-options'], url).toBe('nosniff');
  expect(response.headers['referrer-policy'], url).toBe('no-referrer');
}

/** The CSP directives by name. */
function directives(header: string): Map<string, string[]> {
  return new Map(
    header.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('the console CSP', () => {
  it('allows only this origin, nothing inline or evaluated, no framing, and requires Trusted Types', () => {
    const csp = directives(CONSOLE_CSP);
    expect(CONSOLE_CSP).not.toMatch(/unsafe-|\*|https?:|blob:/);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(csp.get('require-trusted-types-for')).toEqual(["'script'"]);
    expect(csp.get('trusted-types')).toEqual(["'none'"]);
  });
});

describe('serving /console/', () => {
  it('is built (npm run build) with an index page and its assets', () => {
    expect(built.has('index.html')).toBe(true);
    expect([...built.keys()].some((name) => name.endsWith('.js'))).toBe(true);
    expect([...built.keys()].some((name) => name.endsWith('.css'))).toBe(true);
  });

  it('serves the index page, uncached, with the console CSP and the security headers', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await t.app.inject({ method, url: '/console/' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-store');
      expectConsoleHeaders(response, `${method} /console/`);
      if (method === 'GET') expect(response.body).toBe(built.get('index.html')?.body.toString('utf8'));
    }
  });

  it('serves every file of the build under its name, with its type and the console CSP', async () => {
    for (const [name, file] of built) {
      const url = `/console/${name}`;
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toBe(file.contentType);
      expect(response.rawPayload.equals(file.body), url).toBe(true);
      expectConsoleHeaders(response, url);
      if (name.startsWith('assets/')) expect(response.headers['cache-control']).toContain('immutable');
    }
  });

  it('redirects /console to /console/, with the console CSP', async () => {
    const response = await t.app.inject({ url: '/console' });
    expect(response.statusCode).toBe(308);
    expect(response.headers.location).toBe('/console/');
    expectConsoleHeaders(response, '/console');
  });

  it('answers 404 NOT_FOUND, with the console CSP, for any other path under /console/', async () => {
    for (const url of [
      '/console/users',
      '/console/assets/nope.js',
      '/console/index.htm',
      '/console/assets/',
    ]) {
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expectConsoleHeaders(response, url);
    }
  });

  it('never serves a file outside the console build, however the path is written', async () => {
    const outside = [
      '/console/../package.json',
      '/console/%2e%2e/package.json',
      '/console/..%2fpackage.json',
      '/console/assets/..%2f..%2f..%2f..%2fpackage.json',
      '/console/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
      '/console/..%5c..%5cpackage.json',
      '/console/%252e%252e/package.json',
      '/console//etc/passwd',
      '/console/%2fetc%2fpasswd',
      '/console/assets/../../package.json',
      '/console/./index.html/../../package.json',
      `/console/${path.relative(dist, path.resolve('package.json'))}`,
    ];
    const ownFiles = new Set([...built.values()].map((file) => file.body.toString('base64')));
    for (const url of outside) {
      const response = await t.app.inject({ url });
      expect(response.body, url).not.toContain('"name": "strongroom"');
      expect(response.body, url).not.toContain('root:');
      if (response.statusCode === 200)
        expect(ownFiles.has(response.rawPayload.toString('base64')), url).toBe(true);
      else expect([400, 404], url).toContain(response.statusCode);
    }
  });

  it('leaves the console out of the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, object> };
    expect(Object.keys(doc.paths).filter((key) => key.startsWith('/console'))).toEqual([]);
  });
});

describe('the built page', () => {
  const html = built.get('index.html')?.body.toString('utf8') ?? '';

  it('loads its script and stylesheet from files of this origin: no inline script, style or handler', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes = '', body = ''] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/console\/assets\/[\w.-]+\.js"/);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).toMatch(/<link rel="stylesheet"[^>]*href="\/console\/assets\/[\w.-]+\.css"/);
    for (const [, url = ''] of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      expect(url === 'data:,' || built.has(url.replace(/^\/console\//, '')), url).toBe(true);
    }
  });

  it('keeps no token in browser storage: the bundle never touches localStorage, sessionStorage or cookies', () => {
    for (const [name, file] of built) {
      if (!name.endsWith('.js')) continue;
      const code = file.body.toString('utf8');
      expect(code, name).not.toMatch(/localStorage|sessionStorage|document\.cookie|indexedDB/);
    }
  });
});

describe('reading the console build', () => {
  it('takes only regular files of the listed types, follows no symlink, and is empty without a build', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-files-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'console-outside-'));
    try {
      expect(readConsoleFiles(dir).size).toBe(0);
      fs.mkdirSync(path.join(dir, 'assets'));
      fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
      fs.writeFileSync(path.join(dir, 'assets', 'app-1.js'), 'export {};');
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'not served');
      fs.writeFileSync(path.join(dir, 'app.js.map'), '{}');
      fs.writeFileSync(path.join(outside, 'secret.js'), 'secret');
      fs.symlinkSync(path.join(outside, 'secret.js'), path.join(dir, 'assets', 'linked.js'));
      fs.symlinkSync(outside, path.join(dir, 'linked-dir'));
      const files = readConsoleFiles(dir);
      expect([...files.keys()].sort()).toEqual(['assets/app-1.js', 'index.html']);
      expect(files.get('assets/app-1.js')).toMatchObject({ immutable: true });
      expect(files.get('index.html')).toMatchObject({
        immutable: false,
        contentType: 'text/html; charset=utf-8',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
