/**
 * What `GET /v1/policies/current` serves can be sent back to `PUT /v1/policies`: the document is stored, the
 * version's read-only fields are ignored, an error inside it is named from `body.document`, and a key that is
 * neither a version field nor `document` is refused without being echoed.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const errorOf = (response: LightMyRequestResponse) =>
  (response.json() as { error: { code: string; field?: string } }).error;

describe('PUT /v1/policies with a served policy version', () => {
  it('stores the document of what GET /v1/policies/current answered, as the next version', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const current = await t.app.inject({ url: '/v1/policies/current', headers: admin.headers });
    const served = current.json() as { version: number; document: { purposes: string[] } };
    const edited = {
      ...served,
      document: { ...served.document, purposes: [...served.document.purposes, 'audit_review'] },
    };
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: admin.headers,
      payload: edited,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      version: served.version + 1,
      source: 'api',
      document: edited.document,
    });
    expect(t.services.policies.current().document).toEqual(edited.document);
  });

  it('names errors from body.document and refuses unknown keys beside it, changing nothing', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const served = (await t.app.inject({ url: '/v1/policies/current', headers: admin.headers })).json() as {
      document: Record<string, unknown>;
    };
    const version = t.services.policies.current().version;
    const cases: Array<[unknown, string]> = [
      [{ ...served, document: { ...served.document, version: 2 } }, 'body.document.version'],
      [{ ...served, canary_4e1a: true }, 'body'],
    ];
    for (const [payload, field] of cases) {
      const response = await t.app.inject({
        method: 'PUT',
        url: '/v1/policies',
        headers: admin.headers,
        payload: payload as object,
      });
      expect(response.statusCode).toBe(400);
      expect(errorOf(response)).toMatchObject({ code: 'VALIDATION_FAILED', field });
      expect(response.body).not.toContain('canary_4e1a');
    }
    expect(t.services.policies.current().version).toBe(version);
  });
});
