/**
 * An administrator's password reset: the account gets a generated one-time password, shown once to the
 * administrator, and must choose its own before doing anything else.
 * Invariants:
 * - the one-time password is 24 bytes from `crypto.randomBytes` (192 bits, base64url), hashed like any password;
 *   it leaves this module only in the return value (the route's one response): never logged, audited, stored in
 *   clear, nor put in an error;
 * - the reset commits in one transaction with the revocation of every session and API key of the user (as a
 *   password change does), then every node drops what it cached of the user;
 * - `must_change_password` is set with the new hash: sessions started with it reach only the password change,
 *   /v1/me and logout (http/plugins/authenticate.ts) until the user's own change clears it;
 * - service accounts have no password (SERVICE_ACCOUNT_HAS_NO_PASSWORD): their keys are never touched here;
 * - resetting an account that administers needs an interactive session, and the caller's right to handle every
 *   role the account holds (a reset is a takeover of the account for whoever reads the response).
 * Threats addressed: an administrator's API key turned into a takeover of another administrator; a reset that
 * leaves the old sessions or keys alive. Not addressed: the side channel the administrator hands the password over.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors.js';
import { requestFieldsOf } from '../security-events.js';
import { type PublicUser, toPublicUser } from './public-user.js';
import type { ChangeOptions, UserServiceDeps } from './user-common.js';
import { assertManagersChangedBySession } from './user-managers.js';

/** Bytes of randomness in a one-time password. */
const ONE_TIME_PASSWORD_BYTES = 24;

export function createPasswordReset(deps: UserServiceDeps) {
  return {
    /** Resets user `id`'s password; returns the user and the one-time password (to be shown once, then forgotten). */
    async resetPassword(
      id: string,
      options: ChangeOptions,
    ): Promise<{ user: PublicUser; oneTimePassword: string }> {
      const oneTimePassword = randomBytes(ONE_TIME_PASSWORD_BYTES).toString('base64url');
      // Hashed before the transaction: the row locks are not held across a second of argon2.
      const hash = await deps.hasher.hash(oneTimePassword);
      const managers = deps.administration();
      const user = await deps.transactor.transaction(async (stores) => {
        await stores.users.lockForAdministration(id);
        const found = await stores.users.findById(id);
        if (found === null) throw new AppError('USER_NOT_FOUND');
        if (found.service) throw new AppError('SERVICE_ACCOUNT_HAS_NO_PASSWORD');
        assertManagersChangedBySession(options.bySession, managers, found.roles, undefined);
        options.mayHandleRoles?.(found.roles);
        const now = deps.clock();
        // Read under the lock: the version cannot move before this write.
        const version = await stores.users.changePassword(id, hash, now, found.credentialVersion, true);
        if (version === null) throw new AppError('USER_NOT_FOUND');
        await stores.sessions.revokeUserSessions(id, 'password_reset', now);
        await stores.apiKeys.revokeUserKeys(id, 'password_reset', now);
        return {
          ...found,
          passwordHash: hash,
          credentialVersion: version,
          mustChangePassword: true,
          updatedAt: now,
        };
      });
      await deps.revocations.publish({ userIds: [id] });
      if (options.by !== undefined) {
        // The event names who reset whom; never the password.
        await deps.events.record('password_reset', {
          userId: options.by.userId,
          ...requestFieldsOf(options.by),
          detail: { target: id },
        });
      }
      return { user: toPublicUser(user, await deps.subjects.open(id, user.subject)), oneTimePassword };
    },
  };
}
