/**
 * A password change revokes every API key of the user, whatever became of the session that minted it (live,
 * logged out, expired, purged after expiry, revoked by a disable before an enable), except the keys of the session
 * making the change; on SQLite and on PostgreSQL. There is no service-account kind of key (a service account is an
 * ordinary user holding a role such as `introspector`), so no key is exempt.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  createTestClock,
  createUser,
  strongPassword,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';

const DAY = 86_400_000;

/** What becomes of a session after it minted a key and before the password changes in another session. */
const FATES = ['live', 'logged_out', 'expired', 'expired_and_purged', 'disabled_then_enabled'] as const;
type Fate = (typeof FATES)[number];

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `a password change and API keys (${database})`,
    () => {
      const clock = createTestClock();
      let t: TestApp;
      beforeAll(async () => {
        t = await createTestApp({ database, clock });
      });
      afterAll(async () => {
        await t?.close();
      });

      async function sessionWithKey(userId: string) {
        const user = await t.services.stores.users.findById(userId);
        if (user === null) throw new Error('no user');
        const { sessionId } = await t.services.sessions.start(userId, user.credentialVersion);
        const { key } = await t.services.apiKeys.create(userId, sessionId, { name: 'k' });
        return { sessionId, key };
      }

      /** Puts the sessions (all of `userId`) through `fate`. */
      async function undergo(fate: Fate, userId: string, sessionIds: string[]): Promise<void> {
        if (fate === 'logged_out') {
          for (const id of sessionIds) await t.services.sessions.revoke(id, 'logout');
        } else if (fate === 'expired' || fate === 'expired_and_purged') {
          // Past the refresh-token lifetime (30 days), well within the key's (90 days).
          clock.advance(31 * DAY);
          if (fate === 'expired_and_purged') await t.services.stores.sessions.deleteExpired(clock());
        } else if (fate === 'disabled_then_enabled') {
          await t.services.users.update(userId, { disabled: true }, { bySession: true });
          await t.services.users.update(userId, { disabled: false }, { bySession: true });
        }
      }

      /** A user whose older sessions met `fates` (one session each), then a new session that changes the password. */
      async function changeAfter(fates: readonly Fate[]) {
        const { id } = await createUser(t);
        const older: Array<{ fate: Fate; key: string }> = [];
        for (const fate of fates) {
          const { sessionId, key } = await sessionWithKey(id);
          await undergo(fate, id, [sessionId]);
          older.push({ fate, key });
        }
        const changer = await sessionWithKey(id);
        const user = await t.services.stores.users.findById(id);
        if (user === null) throw new Error('no user');
        await t.services.users.setPassword(user, strongPassword(), changer.sessionId);
        return { older, changerKey: changer.key };
      }

      const isLive = async (key: string) => (await t.services.apiKeys.findActive(key)) !== null;

      it.each(FATES)(
        "revokes the key of a session that is %s, keeps the changing session's",
        async (fate) => {
          const { older, changerKey } = await changeAfter([fate]);
          for (const { key } of older) expect(await isLive(key), fate).toBe(false);
          expect(await isLive(changerKey)).toBe(true);
        },
      );

      it('leaves only the changing session its keys, for any history of the other sessions', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.constantFrom(...FATES), { minLength: 1, maxLength: 4 }),
            async (fates) => {
              const { older, changerKey } = await changeAfter(fates);
              expect(await Promise.all(older.map(({ key }) => isLive(key)))).toEqual(older.map(() => false));
              expect(await isLive(changerKey)).toBe(true);
            },
          ),
          { numRuns: 6 },
        );
      });

      it('revokes every key when no session is kept (a change from code)', async () => {
        const { id } = await createUser(t);
        const keys = [await sessionWithKey(id), await sessionWithKey(id)];
        const user = await t.services.stores.users.findById(id);
        if (user === null) throw new Error('no user');
        await t.services.users.setPassword(user, strongPassword());
        for (const { key } of keys) expect(await isLive(key)).toBe(false);
      });

      it('mints no key in a session that a password change revoked after the request authenticated', async () => {
        const { id } = await createUser(t);
        const stale = await sessionWithKey(id);
        const changer = await sessionWithKey(id);
        const user = await t.services.stores.users.findById(id);
        if (user === null) throw new Error('no user');
        await t.services.users.setPassword(user, strongPassword(), changer.sessionId);
        await expect(t.services.apiKeys.create(id, stale.sessionId, { name: 'late' })).rejects.toMatchObject({
          code: 'INVALID_TOKEN',
        });
        // Another user's session id is refused too; an id no session has (a purged one) is not a revoked session.
        const other = await createUser(t);
        await expect(
          t.services.apiKeys.create(other.id, changer.sessionId, { name: 'x' }),
        ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
        await expect(t.services.apiKeys.create(id, randomUUID(), { name: 'y' })).resolves.toHaveProperty(
          'key',
        );
      });
    },
  );
}
