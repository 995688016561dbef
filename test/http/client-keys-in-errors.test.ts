/**
 * Finding: 400 messages quoted client-chosen keys. A secret used as a policy role name, a condition attribute or
 * any other key of a document, or as a record field name, never appears in the error answer (message or field).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtArb, opaqueTokenArb } from '../../packages/redact/test/secret-arbitraries.js';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';
import { vaultApi } from '../helpers/vault.js';

let t: TestApp;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  admin = (await loggedInUser(t, ['admin'])).headers;
});

afterAll(async () => {
  await t.close();
});

const secretKeyArb = fc.oneof(
  opaqueTokenArb,
  opaqueTokenArb.map((key) => `srk_${'A'.repeat(46)}${key}`),
  jwtArb,
  fc.constantFrom('4242424242424242', '4111-1111-1111-1111', '123-45-6789'),
);

const rule = { effect: 'allow', actions: ['read'], resources: ['collections/*'] };

function withRole(name: string, role: unknown) {
  const base = defaultPolicyDocument();
  return { ...base, roles: { ...base.roles, [name]: role } };
}

const placements: Array<(key: string) => unknown> = [
  (key) => withRole(key, { rules: 'not a list' }),
  (key) => withRole(key, { rules: [{ ...rule, effect: 'maybe' }] }),
  (key) => withRole('clerk', { rules: [{ ...rule, condition: { [key]: 'not an object' } }] }),
  (key) => withRole('clerk', { rules: [{ ...rule, condition: { [key]: { equals: 1, [key]: 2 } } }] }),
  (key) => withRole('clerk', { rules: [{ ...rule, [key]: 1 }] }),
];

describe('an error answer', () => {
  it('never quotes a secret used as a key of a policy document', async () => {
    await fc.assert(
      fc.asyncProperty(secretKeyArb, fc.nat(placements.length - 1), async (key, which) => {
        const response = await t.app.inject({
          method: 'PUT',
          url: '/v1/policies',
          headers: admin,
          payload: placements[which]?.(key) as object,
        });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
        expect(response.body).not.toContain(key);
        expect(response.body).not.toContain(key.slice(-20));
      }),
      { numRuns: 60 },
    );
  });

  it('never quotes a secret used as a record field name', async () => {
    const vault = vaultApi(t, admin);
    expect((await vault.createCollection('keyed')).statusCode).toBe(201);
    await fc.assert(
      fc.asyncProperty(secretKeyArb, async (key) => {
        const response = await vault.create('keyed', { tenant_id: 'acme', [key]: 'x' });
        expect(response.statusCode).toBe(400);
        expect(response.body).not.toContain(key);
      }),
      { numRuns: 20 },
    );
  });
});
