/**
 * Review (issue 10): If-Match compares entity tags strongly (RFC 9110 §8.8.3.2: character by character), and a
 * version's tag is `"<n>"` with no leading zero. `"01"` or `"0007"` passed the header's pattern and were read as
 * the number, so they matched version 1 or 7 and the change applied; they name no tag this server ever sent, so
 * the answer is 412 PRECONDITION_FAILED and nothing changes (a policy PUT and rollback, a record PATCH).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';
import { PATIENT_FIELDS, patient, vaultApi } from '../helpers/vault.js';

describe('If-Match with a zero-padded version', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp();
    headers = (await loggedInUser(t, ['admin'])).headers;
  });
  afterAll(() => t?.close());

  it('a policy PUT and rollback under "0<n>" answer 412 and store nothing', async () => {
    const now = t.services.policies.current().version;
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: { ...headers, 'if-match': `"0${now}"` },
      payload: defaultPolicyDocument(),
    });
    expect(put.statusCode).toBe(412);
    expect(put.json().error.code).toBe('PRECONDITION_FAILED');
    const back = await t.app.inject({
      method: 'POST',
      url: '/v1/policies/rollback',
      headers: { ...headers, 'if-match': `"00${now}"` },
      payload: { version: 1 },
    });
    expect(back.statusCode).toBe(412);
    expect(t.services.policies.current().version).toBe(now);
    const exact = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: { ...headers, 'if-match': `"${now}"` },
      payload: defaultPolicyDocument(),
    });
    expect(exact.statusCode).toBe(200);
  });

  it('a record PATCH under "01" answers 412 and changes nothing', async () => {
    const api = vaultApi(t, headers);
    expect((await api.createCollection('padded', PATIENT_FIELDS)).statusCode).toBe(201);
    const created = await api.create('padded', patient(1));
    const id = (created.json() as { id: string }).id;
    const etag = created.headers.etag ?? '"1"';
    const padded = `"0${etag.slice(1)}`;
    const patch = (tag: string) =>
      t.app.inject({
        method: 'PATCH',
        url: `/v1/collections/padded/records/${id}`,
        headers: { ...headers, 'x-access-purpose': 'support', 'if-match': tag },
        payload: { fields: { age: 41 } },
      });
    const refused = await patch(padded);
    expect(refused.statusCode).toBe(412);
    expect(refused.json().error.code).toBe('PRECONDITION_FAILED');
    expect((await patch(etag)).statusCode).toBe(200);
  });
});
