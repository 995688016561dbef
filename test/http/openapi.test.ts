import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { VERSION } from '../../src/version.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Operation {
  security?: unknown[];
  operationId?: string;
  description?: string;
  responses: Record<string, unknown>;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents every route with success and error responses', async () => {
    const response = await t.app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json() as {
      openapi: string;
      info: { version: string };
      paths: Record<string, Record<string, Operation>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(VERSION);
    const expected = [
      'post /v1/auth/login',
      'post /v1/auth/refresh',
      'post /v1/auth/logout',
      'post /v1/auth/introspect',
      'get /v1/me',
      'put /v1/me/password',
      'post /v1/users',
      'get /v1/users',
      'get /v1/users/{id}',
      'patch /v1/users/{id}',
      'delete /v1/users/{id}',
      'post /v1/api-keys',
      'get /v1/api-keys',
      'delete /v1/api-keys/{id}',
      'get /v1/policies/current',
      'put /v1/policies',
      'get /v1/policies',
      'get /.well-known/jwks.json',
      'get /healthz',
      'get /readyz',
      'get /metrics',
      'get /v1/sys/seal-status',
      'post /v1/sys/unseal',
      'post /v1/collections',
      'get /v1/collections',
      'get /v1/collections/{collection}',
      'post /v1/collections/{collection}/records',
      'get /v1/collections/{collection}/records',
      'post /v1/collections/{collection}/records/search',
      'get /v1/collections/{collection}/records/{id}',
      'patch /v1/collections/{collection}/records/{id}',
      'delete /v1/collections/{collection}/records/{id}',
      'post /v1/collections/{collection}/fields',
      'delete /v1/collections/{collection}',
      'post /v1/users/{id}/password-reset',
      'post /v1/users/{id}/api-keys',
      'get /v1/users/{id}/api-keys',
      'delete /v1/users/{id}/api-keys/{key}',
      'get /v1/policies/{version}',
      'post /v1/policies/rollback',
      'post /v1/subjects/erase',
      'post /v1/subjects/{subject}/erase',
      'post /v1/keys/rotate',
      'get /v1/keys/jobs',
      'get /v1/keys/jobs/{id}',
      'post /v1/tokens',
      'post /v1/tokens/detokenize',
      'post /v1/tokens/delete',
      'delete /v1/tokens/{token}',
      'get /v1/audit/events',
      'post /v1/audit/events/search',
      'post /v1/audit/hash',
      'get /v1/audit/checkpoints',
      'get /v1/sys/posture',
    ];
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => m !== 'head')
        .map((m) => `${m} ${p}`),
    );
    expect(documented.sort()).toEqual([...expected].sort());
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys(op.responses);
        expect(
          codes.some((c) => /^2\d\d$/.test(c)),
          `${method} ${p} success`,
        ).toBe(true);
        expect(codes, `${method} ${p} errors`).toEqual(expect.arrayContaining(['400', '500', '503']));
        // /metrics is the one route outside /v1 that needs a credential (read_metrics); /v1/sys/posture the one
        // under /v1/sys (read_posture).
        const isPublic =
          (!p.startsWith('/v1') && p !== '/metrics') ||
          (p.startsWith('/v1/sys/') && p !== '/v1/sys/posture') ||
          p === '/v1/auth/login' ||
          p === '/v1/auth/refresh';
        // Public routes say so explicitly (an empty list), the others name their credentials and answer 401/403.
        if (isPublic) expect(op.security, `${method} ${p} is public`).toEqual([]);
        else {
          expect(op.security, `${method} ${p} declares its credentials`).not.toEqual([]);
          expect(codes).toEqual(expect.arrayContaining(['401', '403']));
        }
        expect(op.operationId, `${method} ${p} operationId`).toMatch(/^[a-z][A-Za-z0-9]+$/);
        expect(op.description?.length ?? 0, `${method} ${p} description`).toBeGreaterThan(10);
        // Each paragraph once (a GET's HEAD route shares its schema; it must not be completed twice).
        const paragraphs = (op.description ?? '').split('\n\n');
        expect(new Set(paragraphs).size, `${method} ${p} description repeats itself`).toBe(paragraphs.length);
      }
    }
  });

  it('marks the routes with a value in their path deprecated, naming the successor, the sunset and its headers', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation & { deprecated?: boolean }>>;
    };
    const deprecated = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.deprecated === true)
        .map(([method, op]) => ({ key: `${method} ${p}`, op })),
    );
    expect(deprecated.map((d) => d.key).sort()).toEqual(
      ['delete /v1/tokens/{token}', 'post /v1/subjects/{subject}/erase'].sort(),
    );
    const successors: Record<string, string> = {
      'delete /v1/tokens/{token}': 'POST /v1/tokens/delete',
      'post /v1/subjects/{subject}/erase': 'POST /v1/subjects/erase',
    };
    for (const { key, op } of deprecated) {
      expect(op.description).toContain(`\`${successors[key]}\``);
      expect(op.description).toContain('2027-06-03');
      for (const [status, response] of Object.entries(op.responses)) {
        const headers = (response as { headers?: Record<string, { schema: { enum: string[] } }> }).headers;
        // Other headers (rate limits) may be declared beside them.
        expect(Object.keys(headers ?? {}), `${key} ${status}`).toEqual(
          expect.arrayContaining(['Deprecation', 'Link', 'Sunset']),
        );
        expect(headers?.Sunset?.schema.enum).toEqual(['Thu, 03 Jun 2027 00:00:00 GMT']);
      }
    }
    // The successors are not deprecated, and carry the value in their body.
    expect(doc.paths['/v1/tokens/delete']?.post?.deprecated).toBeUndefined();
    expect(doc.paths['/v1/subjects/erase']?.post?.deprecated).toBeUndefined();
  });

  it('is rendered at /docs', async () => {
    const response = await t.app.inject({ url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });

  it('documents every error code, as does the README', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
      tags: { name: string; description: string }[];
    };
    // The table is the description of the last tag, `errors`, so that renderers show it after the operations.
    const table = doc.tags.find((tag) => tag.name === 'errors')?.description ?? '';
    const readme = fs.readFileSync('README.md', 'utf8');
    for (const code of Object.keys(ERRORS)) {
      expect(table).toContain(`\`${code}\``);
      expect(readme, `README documents ${code}`).toContain(
        `| \`${code}\` | ${ERRORS[code as keyof typeof ERRORS].status} |`,
      );
    }
  });

  it('says in every security scheme that exactly one credential header may be sent', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
      components: { securitySchemes: Record<string, { description?: string }> };
    };
    const schemes = Object.entries(doc.components.securitySchemes);
    expect(schemes.map(([name]) => name).sort()).toEqual(['apiKey', 'bearerAuth']);
    for (const [name, scheme] of schemes) {
      expect(scheme.description, name).toContain('exactly one credential header');
      expect(scheme.description, name).toContain('AMBIGUOUS_CREDENTIALS');
    }
  });

  it('keeps the version in step with package.json', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
