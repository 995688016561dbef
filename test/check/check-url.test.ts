/**
 * `strongroom check url` against real local HTTPS servers: one configured badly (TLS 1.0-1.2 with CBC-only
 * suites, versioned Server header, X-Powered-By, no HSTS, a plain-HTTP port that redirects, a token accepted in
 * the query), and a real Strongroom app configured right. Certificates come from a test CA made per run.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckReport, checkUrl } from '../../src/check/index.js';
import { createPlainHttpServer } from '../../src/http/plain-http-server.js';
import { ensureDevCertificates } from '../../src/tls/index.js';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';

const TOKEN = 'bad-server-token-7f3a9c1e';
const CBC_ONLY = 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0';

const ids = (report: CheckReport) => [...new Set(report.findings.map((f) => f.ruleId))].sort();
const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const close = (server: http.Server) => new Promise((resolve) => server.close(resolve));

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

describe('check url', () => {
  let dir: string;
  let ca: Buffer;
  let bad: https.Server;
  let badHttp: http.Server;
  let badUrl: string;
  let badHttpPort: number;
  let app: TestApp;
  let goodUrl: string;
  let goodToken: string;
  let goodPlain: http.Server;
  let goodPlainPort: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-check-url-'));
    const certs = await ensureDevCertificates(path.join(dir, 'tls'));
    ca = fs.readFileSync(certs.caCertPath);
    bad = https.createServer(
      {
        cert: fs.readFileSync(certs.certPath),
        key: fs.readFileSync(certs.keyPath),
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.2',
        ciphers: CBC_ONLY,
      },
      (req, res) => {
        const url = new URL(req.url ?? '/', 'https://x');
        const authorized =
          req.headers.authorization === `Bearer ${TOKEN}` || url.searchParams.get('access_token') === TOKEN;
        res.setHeader('server', 'nginx/1.18.0');
        res.setHeader('x-powered-by', 'Express');
        res.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' }).end('{}');
      },
    );
    badUrl = `https://127.0.0.1:${await listen(bad)}/v1/me`;
    badHttp = http.createServer((req, res) => {
      res.writeHead(301, { location: `https://127.0.0.1${req.url ?? '/'}` }).end();
    });
    badHttpPort = await listen(badHttp);

    app = await createTestApp();
    await app.app.listen({ host: '127.0.0.1', port: 0 });
    goodUrl = `https://127.0.0.1:${(app.app.server.address() as AddressInfo).port}/v1/me`;
    goodToken = (await loggedInUser(app)).tokens.access_token;
    // Strongroom's own plain-HTTP port: 426 for every request, never a redirect.
    goodPlain = createPlainHttpServer({ revoker: app.services.revoker, logger: app.logger });
    goodPlainPort = await listen(goodPlain);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([close(bad), close(badHttp), close(goodPlain)]);
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports every misconfiguration of the bad server, and never the credential', async () => {
    const report = await checkUrl(badUrl, {
      ca,
      httpPort: badHttpPort,
      credential: { header: 'Authorization', value: `Bearer ${TOKEN}` },
    });
    expect(ids(report)).toEqual([
      'url/authenticated-cacheable',
      'url/credential-in-query-accepted',
      'url/hsts-missing',
      'url/http-redirects',
      'url/server-version-disclosed',
      'url/tls-legacy-version',
      'url/tls-non-aead-cipher',
      'url/x-powered-by',
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'url/tls-legacy-version')).toHaveLength(2);
    expect(report.scanned['TLSv1.2 accepted']).toBe(1);
    expect(report.scanned['TLSv1.3 accepted']).toBe(0);
    const query = report.findings.filter((f) => f.ruleId === 'url/credential-in-query-accepted');
    expect(query.map((f) => f.message)).toEqual([expect.stringContaining('?access_token=')]);
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  });

  it('without --ca the chain is untrusted, and the credential is not sent at all', async () => {
    const report = await checkUrl(badUrl, {
      httpPort: badHttpPort,
      credential: { header: 'Authorization', value: `Bearer ${TOKEN}` },
      expiryDays: 400,
    });
    expect(ids(report)).toContain('url/certificate-untrusted');
    expect(ids(report)).toContain('url/certificate-expiring');
    expect(ids(report)).not.toContain('url/credential-in-query-accepted');
    expect(report.scanned['credential probes skipped (server not authenticated)']).toBe(1);
  });

  it('reports a certificate that does not cover the host', async () => {
    const other = await ensureDevCertificates(path.join(dir, 'other'), { hosts: ['other.example'] });
    const server = https.createServer(
      { cert: fs.readFileSync(other.certPath), key: fs.readFileSync(other.keyPath) },
      (_req, res) => res.end('{}'),
    );
    const port = await listen(server);
    try {
      const report = await checkUrl(`https://127.0.0.1:${port}/`, {
        ca: fs.readFileSync(other.caCertPath),
        httpPort: await closedPort(),
      });
      expect(ids(report)).toContain('url/certificate-hostname-mismatch');
      expect(ids(report)).not.toContain('url/certificate-untrusted');
    } finally {
      await close(server);
    }
  });

  it('finds nothing on a Strongroom server, credential included', async () => {
    const report = await checkUrl(goodUrl, {
      ca: app.caCert,
      httpPort: goodPlainPort,
      credential: { header: 'Authorization', value: `Bearer ${goodToken}` },
    });
    expect(report.findings).toEqual([]);
    expect(report.scanned['authenticated answers']).toBe(1);
    expect(report.scanned['TLSv1.3 accepted']).toBe(1);
    expect(report.scanned['TLSv1 accepted']).toBe(0);
  });

  it('reports an expired certificate as expired, not as untrusted', async () => {
    const twoYearsAgo = new Date(Date.now() - 2 * 365 * 86_400_000);
    const old = await ensureDevCertificates(path.join(dir, 'old'), { now: () => twoYearsAgo });
    const server = https.createServer(
      { cert: fs.readFileSync(old.certPath), key: fs.readFileSync(old.keyPath) },
      (_req, res) => res.end('{}'),
    );
    const port = await listen(server);
    try {
      const report = await checkUrl(`https://127.0.0.1:${port}/`, {
        ca: fs.readFileSync(old.caCertPath),
        httpPort: await closedPort(),
      });
      expect(ids(report)).toContain('url/certificate-expired');
      expect(ids(report)).not.toContain('url/certificate-untrusted');
    } finally {
      await close(server);
    }
  });

  it('reports a short HSTS max-age and a plain-HTTP port that serves the API', async () => {
    const certs = path.join(dir, 'tls');
    const server = https.createServer(
      {
        cert: fs.readFileSync(path.join(certs, 'server.pem')),
        key: fs.readFileSync(path.join(certs, 'server-key.pem')),
      },
      (_req, res) => res.writeHead(200, { 'strict-transport-security': 'max-age=86400' }).end('{}'),
    );
    const plain = http.createServer((_req, res) => res.end('{}'));
    const [port, plainPort] = [await listen(server), await listen(plain)];
    try {
      const report = await checkUrl(`https://127.0.0.1:${port}/`, { ca, httpPort: plainPort });
      // Node's default server cipher list still has CBC-SHA256 suites: Strongroom replaces it, a bare server does not.
      expect(ids(report)).toEqual(['url/hsts-short-max-age', 'url/http-serves', 'url/tls-non-aead-cipher']);
    } finally {
      await Promise.all([close(server), close(plain)]);
    }
  });

  it('refuses http:// URLs and URLs carrying credentials', async () => {
    await expect(checkUrl('http://127.0.0.1/')).rejects.toThrow('check url needs an https:// URL');
    await expect(checkUrl('https://user:pw@127.0.0.1/')).rejects.toThrow(/must not carry credentials/);
  });

  it('built CLI: exit codes per --fail-on, credential from the environment, never in output', async () => {
    const goodClosedPort = await closedPort();
    const CLI = path.resolve('dist/src/cli/main.js');
    if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    const caFile = path.join(dir, 'tls', 'ca.pem');
    // Asynchronous: the servers answer from this process, so it must not block while the CLI runs.
    const run = (url: string, args: string[], value: string, caPath = caFile, stdin = '') =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          [CLI, 'check', 'url', url, '--ca', caPath, ...args],
          { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', CHECK_TOKEN: value } },
          (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
        );
        child.stdin?.end(stdin);
      });
    const badRun = await run(
      badUrl,
      [
        '--http-port',
        String(badHttpPort),
        '--credential-header',
        'Authorization',
        '--credential-env',
        'CHECK_TOKEN',
        '--format',
        'json',
      ],
      `Bearer ${TOKEN}`,
    );
    expect(badRun.stderr).toBe('');
    expect(badRun.status).toBe(1);
    expect(JSON.parse(badRun.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain(
      'url/credential-in-query-accepted',
    );
    expect(badRun.stdout + badRun.stderr).not.toContain(TOKEN);
    // Without the credential probes the high findings are the legacy versions; --fail-on decides the rest.
    const plain = ['--http-port', String(badHttpPort)];
    expect((await run(badUrl, plain, '')).status).toBe(1);
    const good = ['--http-port', String(goodClosedPort), '--fail-on', 'low'];
    expect((await run(goodUrl, good, '', app.caCertPath)).status).toBe(0);
    const fromStdin = await run(
      goodUrl,
      [...good, '--credential-header', 'Authorization', '--credential-stdin', '--format', 'json'],
      '',
      app.caCertPath,
      `Bearer ${goodToken}\n`,
    );
    expect(fromStdin.status).toBe(0);
    expect(JSON.parse(fromStdin.stdout).scanned['authenticated answers']).toBe(1);
    const argvValue = await run(badUrl, ['--credential-header', `Authorization: Bearer ${TOKEN}`], '');
    expect(argvValue.status).toBe(2);
    expect(argvValue.stderr).not.toContain(TOKEN);
    expect((await run('http://127.0.0.1:1/', [], '')).status).toBe(2);
  });
});
