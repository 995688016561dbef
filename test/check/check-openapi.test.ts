/**
 * `check openapi` on the failing fixture (every rule fires, at the pointer and line where the problem is defined)
 * and the passing one (nothing), on JSON and YAML, 3.0 and 3.1; recursive schemas; refusals; and loading over
 * https only, bounded in size, never following a spec's external references.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  checkOpenApi,
  isCheckInputError,
  OPENAPI_RULE_LIST,
  runOpenApiRules,
} from '../../src/check/index.js';
import { ensureDevCertificates } from '../../src/tls/index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/check-openapi');
const bad = path.join(FIXTURES, 'bad.yaml');
const good = path.join(FIXTURES, 'good.yaml');

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isCheckInputError(error)).toBe(true);
  return (error as Error).message;
};

describe('check openapi fixtures', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-check-openapi-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fires every rule on the failing fixture, each where the problem is defined', async () => {
    const report = await checkOpenApi(bad);
    const fired = new Set(report.findings.map((f) => f.ruleId));
    expect([...fired].sort()).toEqual(OPENAPI_RULE_LIST.map((r) => r.id).sort());
    const at = (ruleId: string) =>
      report.findings.filter((f) => f.ruleId === ruleId).map((f) => f.location.pointer);
    expect(at('openapi/apikey-in-query')).toEqual(['/components/securitySchemes/legacyKey']);
    expect(at('openapi/credential-in-url')).toEqual([
      '/paths/~1customers/get/parameters/0',
      '/paths/~1customers~1{ssn}/parameters/0',
    ]);
    expect(at('openapi/pii-in-url')).toEqual(['/paths/~1customers/get/parameters/1']);
    expect(at('openapi/basic-auth-over-http')).toEqual(['/paths/~1customers/post']);
    expect(at('openapi/no-security')).toEqual(['/paths/~1customers/get']);
    // The same secret, in a component or inline in a response, gets the same finding (issue 11); schemas only
    // responses use are not held to writeOnly, the request body's Credentials is.
    const reportKey = '/paths/~1reports/get/responses/200/content/application~1json/schema/properties/apiKey';
    expect(at('openapi/secret-in-response').sort()).toEqual(
      ['/components/schemas/Session/properties/clientSecret', reportKey].sort(),
    );
    expect(at('openapi/secret-not-write-only')).toEqual([
      '/components/schemas/Credentials/properties/password',
    ]);
    // The recursive Customer schema (referrer → Customer) is walked once and reported once.
    expect(at('openapi/pii-in-response').sort()).toEqual(
      ['cardNumber', 'email', 'ssn'].map((p) => `/components/schemas/Customer/properties/${p}`),
    );
    expect(at('openapi/unbounded-array')).toEqual(['/components/schemas/Customer/properties/tags']);
    const email = report.findings.find((f) => f.location.pointer?.endsWith('/Customer/properties/email'));
    expect(email?.severity).toBe('low');
    const scheme = report.findings.find((f) => f.ruleId === 'openapi/apikey-in-query');
    expect(scheme?.location.line).toBe(
      fs.readFileSync(bad, 'utf8').split('\n').indexOf('    legacyKey:') + 1,
    );
  });

  it('reports nothing on the passing fixture (3.1, masked, writeOnly and fixed-value fields, 4XX ranges, recursion, ids)', async () => {
    const report = await checkOpenApi(good);
    expect(report.findings).toEqual([]);
    expect(report.scanned.operations).toBe(3);
  });

  it('gives the same findings for the same document in JSON, with lines in the JSON file', async () => {
    const json = path.join(dir, 'bad.json');
    fs.writeFileSync(json, JSON.stringify(parse(fs.readFileSync(bad, 'utf8')), null, 2));
    const [fromYaml, fromJson] = await Promise.all([checkOpenApi(bad), checkOpenApi(json)]);
    const key = (r: typeof fromYaml) => r.findings.map((f) => `${f.ruleId} ${f.location.pointer}`).sort();
    expect(key(fromJson)).toEqual(key(fromYaml));
    const lines = fs.readFileSync(json, 'utf8').split('\n');
    const scheme = fromJson.findings.find((f) => f.ruleId === 'openapi/apikey-in-query');
    expect(lines[(scheme?.location.line ?? 0) - 1]).toContain('"legacyKey"');
  });

  it('refuses Swagger 2.0, documents that are not OpenAPI, and unparsable text, without echoing it', async () => {
    expect(await refusal(runOpenApiRules({ swagger: '2.0', paths: {} }, () => {}))).toMatch(/Swagger 2\.0/);
    expect(await refusal(runOpenApiRules({ openapi: '4.0.0' }, () => {}))).toMatch(/not an OpenAPI 3/);
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, 'openapi: 3.0.0\npassword: "hunter2\n  : [');
    const message = await refusal(checkOpenApi(broken));
    expect(message).toBe('the spec is not valid YAML');
    expect(await refusal(checkOpenApi(path.join(dir, 'missing.yaml')))).toMatch(/ENOENT/);
  });

  it('never follows an external $ref (no request reaches the server it names)', async () => {
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const spec = {
        openapi: '3.0.3',
        info: { title: 't', version: '1' },
        security: [{ k: [] }],
        components: { securitySchemes: { k: { type: 'http', scheme: 'bearer' } } },
        paths: {
          '/a': {
            get: {
              parameters: [{ $ref: `http://127.0.0.1:${port}/params.json#/token` }],
              responses: { 200: { $ref: `http://127.0.0.1:${port}/r.json` }, '4XX': { description: 'e' } },
            },
          },
        },
      };
      const found: string[] = [];
      await runOpenApiRules(spec, (f) => found.push(f.rule));
      expect(requests).toBe(0);
      expect(found).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('check openapi over https', () => {
  let dir: string;
  let server: https.Server;
  let base: string;
  let ca: Buffer;
  const body = fs.readFileSync(bad);
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-check-openapi-tls-'));
    const certs = await ensureDevCertificates(path.join(dir, 'tls'));
    ca = fs.readFileSync(certs.caCertPath);
    server = https.createServer(
      { cert: fs.readFileSync(certs.certPath), key: fs.readFileSync(certs.keyPath) },
      (req, res) => {
        if (req.url === '/spec.yaml') res.end(body);
        else if (req.url === '/to-http')
          res.writeHead(302, { location: 'http://127.0.0.1:1/spec.yaml' }).end();
        else if (req.url === '/huge') res.end(Buffer.alloc(2 * 1024 * 1024, 'a'));
        else res.writeHead(404).end();
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads a spec from an https URL with a given CA', async () => {
    const report = await checkOpenApi(`${base}/spec.yaml`, { ca });
    expect(report.findings.length).toBe((await checkOpenApi(bad)).findings.length);
    expect(report.findings[0]?.location.file).toBe(`${base}/spec.yaml`);
  });

  it('refuses http:// URLs, redirects to http://, untrusted certificates, 404s and oversized bodies', async () => {
    expect(await refusal(checkOpenApi('http://127.0.0.1:1/spec.yaml'))).toBe('spec URLs must use https');
    expect(await refusal(checkOpenApi(`${base}/to-http`, { ca }))).toBe('spec URLs must use https');
    expect(await refusal(checkOpenApi(`${base}/spec.yaml`))).toMatch(/cannot fetch the spec/);
    expect(await refusal(checkOpenApi(`${base}/nope`, { ca }))).toBe('cannot fetch the spec: HTTP 404');
    expect(await refusal(checkOpenApi(`${base}/huge`, { ca, maxBytes: 1024 * 1024 }))).toMatch(/larger than/);
  });
});
