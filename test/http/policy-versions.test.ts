/**
 * Guarantees (issue 10): any stored policy version can be read; a rollback stores an old version's document as a
 * new version (history is append-only) under the same lock-out check as a PUT; If-Match makes a PUT or rollback
 * apply only to the version it was decided against; a YAML body is one safe document (no tags, bounded aliases,
 * bounded size) and a parse error names its line and column. Refused calls store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `policy versions (${database})`,
    () => {
      let t: TestApp;
      let headers: Record<string, string>;
      beforeAll(async () => {
        t = await createTestApp({ database });
        headers = (await loggedInUser(t, ['admin'])).headers;
      });
      afterAll(async () => {
        await t.close();
      });

      const withOps = () => {
        const base = defaultPolicyDocument();
        return { ...base, roles: { ...base.roles, ops: base.roles.admin } };
      };
      const put = (payload: object | string, extra: Record<string, string> = {}) =>
        t.app.inject({
          method: 'PUT',
          url: '/v1/policies',
          headers: { ...headers, ...extra },
          payload: payload as object,
        });
      const latest = () => t.services.policies.current().version;

      it('serves any stored version, and 404 for a number never used', async () => {
        const one = await t.app.inject({ url: '/v1/policies/1', headers });
        expect(one.statusCode).toBe(200);
        expect(one.json()).toMatchObject({
          version: 1,
          source: 'default',
          document: defaultPolicyDocument(),
        });
        const missing = await t.app.inject({ url: '/v1/policies/9999', headers });
        expect(missing.statusCode).toBe(404);
        expect(missing.json().error.code).toBe('POLICY_VERSION_NOT_FOUND');
      });

      it('rolls back by storing the old document as a new version', async () => {
        const changed = await put(withOps());
        expect(changed.statusCode).toBe(200);
        const before = latest();
        const back = await t.app.inject({
          method: 'POST',
          url: '/v1/policies/rollback',
          headers,
          payload: { version: 1 },
        });
        expect(back.statusCode).toBe(200);
        expect(back.json()).toMatchObject({
          version: before + 1,
          source: 'api',
          document: defaultPolicyDocument(),
        });
        expect(t.services.policies.current().document).toEqual(defaultPolicyDocument());
        expect((await t.app.inject({ url: `/v1/policies/${before}`, headers })).json().document).toEqual(
          withOps(),
        );
        const events = await t.services.stores.securityEvents.list({ type: 'policy_changed' });
        expect(events.some((e) => JSON.stringify(e.detail).includes('"restored_from":1'))).toBe(true);

        const unknown = await t.app.inject({
          method: 'POST',
          url: '/v1/policies/rollback',
          headers,
          payload: { version: 9999 },
        });
        expect(unknown.json().error.code).toBe('POLICY_VERSION_NOT_FOUND');
        expect(latest()).toBe(before + 1);
      });

      it('refuses a rollback that would lock the caller out', async () => {
        await put(withOps());
        const ops = await loggedInUser(t, ['ops']);
        const before = latest();
        const back = await t.app.inject({
          method: 'POST',
          url: '/v1/policies/rollback',
          headers: ops.headers,
          payload: { version: 1 },
        });
        expect(back.statusCode).toBe(409);
        expect(back.json().error.code).toBe('POLICY_LOCKOUT');
        expect(latest()).toBe(before);
      });

      it('applies a PUT or rollback under If-Match only to the version it names', async () => {
        const now = latest();
        const stale = await put(defaultPolicyDocument(), { 'if-match': `"${now - 1}"` });
        expect(stale.statusCode).toBe(412);
        expect(stale.json().error.code).toBe('PRECONDITION_FAILED');
        const staleBack = await t.app.inject({
          method: 'POST',
          url: '/v1/policies/rollback',
          headers: { ...headers, 'if-match': `"${now - 1}"` },
          payload: { version: 1 },
        });
        expect(staleBack.statusCode).toBe(412);
        expect(latest()).toBe(now);
        const malformed = await put(defaultPolicyDocument(), { 'if-match': 'W/"1"' });
        expect(malformed.statusCode).toBe(400);
        expect(malformed.json().error.field).toBe('headers.if-match');
        const fresh = await put(defaultPolicyDocument(), { 'if-match': `"${now}"` });
        expect(fresh.statusCode).toBe(200);
        expect(latest()).toBe(now + 1);
      });

      describe('YAML bodies', () => {
        const yaml = { 'content-type': 'application/yaml' };

        it('stores a YAML document as the JSON document it is', async () => {
          const stored = await put(stringify(withOps()), yaml);
          expect(stored.statusCode).toBe(200);
          expect(stored.json().document).toEqual(withOps());
        });

        it('names the line and column of a parse error, and refuses tags, duplicate keys and alias bombs', async () => {
          const before = latest();
          const broken = await put('version: 1\npurposes: [support\nroles: {}\n', yaml);
          expect(broken.statusCode).toBe(400);
          expect(broken.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body' });
          expect(broken.json().error.message).toMatch(/line \d+, column \d+/);

          const tagged = await put('version: 1\npurposes: !!binary aGVsbG8=\nroles: {}\n', yaml);
          expect(tagged.statusCode).toBe(400);
          expect(tagged.json().error.message).toMatch(/tag.*line 2, column \d+/);
          const custom = await put('version: !custom 1\npurposes: []\nroles: {}\n', yaml);
          expect(custom.statusCode).toBe(400);
          const duplicate = await put('version: 1\nversion: 1\npurposes: []\nroles: {}\n', yaml);
          expect(duplicate.statusCode).toBe(400);
          expect(duplicate.json().error.message).toMatch(/line 2, column 1/);

          let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
          for (let i = 1; i < 9; i++)
            bomb += `a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]\n`;
          const exploded = await put(bomb, yaml);
          expect(exploded.statusCode).toBe(400);
          expect(exploded.json().error.code).toBe('VALIDATION_FAILED');

          const huge = await put(`version: 1\npurposes: []\nroles: {}\n#${'x'.repeat(300 * 1024)}\n`, yaml);
          expect(huge.statusCode).toBe(413);
          const invalid = await put('version: 2\npurposes: []\nroles: {}\n', yaml);
          expect(invalid.statusCode).toBe(400);
          expect(invalid.json().error.field).toBe('body.version');
          expect(latest()).toBe(before);
        });
      });
    },
  );
}
