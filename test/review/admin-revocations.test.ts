/**
 * Review (issue 12, item 2, with issue 10's admin paths): an administrator's password reset and the revocation of
 * a service account's key take effect at the very next request on the node that cached the credential (the
 * app's own authenticator, whose cache answered the request before): both publish after their commit. On SQLite
 * and (when STRONGROOM_DATABASE_URL is set) PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';

const databases = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

describe.each(databases)('admin revocations and the credential cache (%s)', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ database });
    const end = Date.now() + 5_000;
    while (!t.services.revocations.isLive() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(t.services.revocations.isLive()).toBe(true);
  });
  afterAll(() => t?.close());

  async function outcome(headers: { authorization: string | undefined; apiKey: string | undefined }) {
    try {
      await t.services.authenticator.authenticate(headers);
      return 'ok';
    } catch (error) {
      if (isAppError(error)) return error.code;
      throw error;
    }
  }

  /** Answers twice from the credential, the second time from the cache. */
  async function cached(headers: { authorization: string | undefined; apiKey: string | undefined }) {
    expect(await outcome(headers)).toBe('ok');
    const hits = t.services.credentialCache.stats().hits;
    expect(await outcome(headers)).toBe('ok');
    expect(t.services.credentialCache.stats().hits).toBe(hits + 1);
  }

  it('a password reset ends the cached session at once', async () => {
    const user = await loggedInUser(t);
    const headers = { authorization: user.headers.authorization, apiKey: undefined };
    await cached(headers);
    await t.services.users.resetPassword(user.id, { bySession: true });
    expect(await outcome(headers)).toBe('INVALID_TOKEN');
  });

  it("revoking a service account's key ends it at once", async () => {
    const admin = await loggedInUser(t, ['admin']);
    const account = await t.services.users.create({
      username: `svc${randomBytes(4).toString('hex')}`,
      roles: ['user'],
      service: true,
    });
    const caller = { userId: admin.id, mayHandleRoles: () => {} };
    const minted = await t.services.serviceKeys.mint(account.id, { name: 'ci' }, caller);
    const headers = { authorization: undefined, apiKey: minted.key };
    await cached(headers);
    await t.services.serviceKeys.revoke(account.id, minted.id, caller);
    expect(await outcome(headers)).toBe('INVALID_TOKEN');
  });
});
