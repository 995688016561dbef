/** Account changes (roles, disabled, subject, attributes) and deletion, under the user-manager invariants. */
import { AppError } from '../../errors.js';
import type { UserAttributes } from '../../storage/index.js';
import { type PublicUser, toPublicUser } from './public-user.js';
import {
  assertKnownRoles,
  type ChangeOptions,
  recordAccountChange,
  type UserServiceDeps,
} from './user-common.js';
import { assertManagerRemains, assertManagersChangedBySession } from './user-managers.js';

export function createAccountChanges(deps: UserServiceDeps) {
  return {
    /**
     * Changes roles, disabled, subject or attributes. Who may is checked inside the transaction, against the row it
     * changes: an API key (`bySession` false) cannot touch an administrator nor make one, and `mayHandleRoles` is
     * asked about every role the account holds or is given.
     */
    async update(
      id: string,
      changes: { roles?: string[]; disabled?: boolean; subject?: string | null; attributes?: UserAttributes },
      options: ChangeOptions,
    ): Promise<PublicUser> {
      assertKnownRoles(changes.roles, deps.definedRoles());
      const managers = deps.administration();
      const updated = await deps.transactor.transaction(async (stores) => {
        // Locked before it is read: what is decided below (who still administers) holds until the change commits.
        await stores.users.lockForAdministration(id);
        const user = await stores.users.findById(id);
        if (user === null) throw new AppError('USER_NOT_FOUND');
        assertManagersChangedBySession(options.bySession, managers, user.roles, changes.roles);
        options.mayHandleRoles?.([...user.roles, ...(changes.roles ?? [])]);
        const next = {
          roles: changes.roles === undefined ? user.roles : [...new Set(changes.roles)],
          disabled: changes.disabled ?? user.disabled,
          subject:
            changes.subject === undefined
              ? user.subject
              : changes.subject === null
                ? null
                : await deps.subjects.seal(stores, id, changes.subject),
          attributes: changes.attributes ?? user.attributes,
        };
        await assertManagerRemains(stores, managers, user, next);
        const now = deps.clock();
        // Only the given columns are written: a concurrent change of another one must not be overwritten.
        await stores.users.update(
          id,
          {
            ...(changes.roles === undefined ? {} : { roles: next.roles }),
            ...(changes.disabled === undefined ? {} : { disabled: next.disabled }),
            ...(changes.subject === undefined ? {} : { subject: next.subject }),
            ...(changes.attributes === undefined ? {} : { attributes: next.attributes }),
          },
          now,
        );
        if (next.disabled && !user.disabled)
          await stores.sessions.revokeUserSessions(id, 'user_disabled', now);
        return { ...user, ...next, updatedAt: now };
      });
      await deps.revocations.publish({ userIds: [id] });
      await recordAccountChange(deps, 'user_updated', options.by, updated.id);
      const subject =
        typeof changes.subject === 'string' ? changes.subject : await deps.subjects.open(id, updated.subject);
      return toPublicUser(updated, subject);
    },

    async delete(id: string, options: ChangeOptions): Promise<void> {
      const managers = deps.administration();
      await deps.transactor.transaction(async (stores) => {
        // Locked before it is read: what is decided below (who still administers) holds until the change commits.
        await stores.users.lockForAdministration(id);
        const user = await stores.users.findById(id);
        if (user === null) throw new AppError('USER_NOT_FOUND');
        assertManagersChangedBySession(options.bySession, managers, user.roles, undefined);
        options.mayHandleRoles?.(user.roles);
        await assertManagerRemains(stores, managers, user, null);
        // Sessions and API keys go with the user (ON DELETE CASCADE); every node drops what it cached of them.
        await stores.users.delete(id);
      });
      await deps.revocations.publish({ userIds: [id] });
      await recordAccountChange(deps, 'user_deleted', options.by, id);
    },
  };
}
