/** Password changes: the credential version moves, so no session from before the change outlives it. */
import { AppError } from '../../errors.js';
import type { UserRecord } from '../../storage/index.js';
import { requestFieldsOf } from '../security-events.js';
import type { ChangeContext, UserServiceDeps } from './user-common.js';

export function createPasswordChange(deps: UserServiceDeps) {
  return {
    /**
     * Sets a new password (policy-checked), bumps the credential version so that no session from before the change
     * (nor one being created from a check of the old password) stays valid except `keepSessionId`, revokes the
     * other sessions and every API key of the user except those minted in `keepSessionId`, in the same transaction.
     * `by` (the session asking) gets the password_changed event.
     */
    async setPassword(
      user: UserRecord,
      newPassword: string,
      keepSessionId?: string,
      by?: ChangeContext,
    ): Promise<void> {
      await deps.policy.check(newPassword, {
        username: user.username,
        field: 'new_password',
        actorId: user.id,
      });
      const hash = await deps.hasher.hash(newPassword);
      await deps.transactor.transaction(async (stores) => {
        const now = deps.clock();
        const version = await stores.users.changePassword(user.id, hash, now, user.credentialVersion);
        // The password changed since this caller's check of it (a racing change): this one must not win.
        if (version === null) {
          throw new AppError('INVALID_CREDENTIALS', {
            field: 'current_password',
            message: 'current_password is no longer the current password',
          });
        }
        // The session asking for the change must still be live (not revoked a moment ago, e.g. by a racing change).
        if (keepSessionId !== undefined) {
          const keep = await stores.sessions.findSession(keepSessionId);
          if (keep === null || keep.revokedAt !== null) throw new AppError('INVALID_TOKEN');
        }
        await stores.sessions.revokeUserSessions(user.id, 'password_changed', now, keepSessionId);
        // Every key of the user goes, not only those of the sessions revoked just now: a key minted in a session
        // that was logged out, expired or revoked earlier (e.g. by a disable) is as much the old password's.
        await stores.apiKeys.revokeUserKeys(user.id, 'password_changed', now, keepSessionId);
        if (keepSessionId !== undefined) await stores.sessions.setCredentialVersion(keepSessionId, version);
      });
      // The user's row changed: every node re-reads it, and with it their sessions and keys, at the next request.
      await deps.revocations.publish({ userIds: [user.id] });
      if (by !== undefined) {
        await deps.events.record('password_changed', {
          userId: user.id,
          actorSubjectHash: user.subject?.hash ?? null,
          ...requestFieldsOf(by),
        });
      }
    },
  };
}
