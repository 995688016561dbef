/**
 * Accounts that manage users: those holding a role the policy grants `manage_users` on `system/users` (the
 * default policy: `admin`). Which roles those are is the policy's answer, never a role name written here.
 * Invariants: at least one enabled account can still manage users after any change (LAST_ADMIN otherwise), checked
 * under a lock of those accounts so two racing demotions cannot both pass; such accounts, and grants of such
 * roles, change only from an interactive session, so a leaked API key cannot take over or lock out the managers.
 */
import { AppError } from '../../errors.js';
import type { Stores, UserRecord } from '../../storage/index.js';

/** Roles that manage users under the policy in force. */
export type ManagerRoles = () => ReadonlySet<string>;

const holdsAny = (roles: readonly string[], managers: ReadonlySet<string>) =>
  roles.some((role) => managers.has(role));

/** FORBIDDEN unless `bySession`, when the account holds, or would be given, a role that manages users. */
export function assertManagersChangedBySession(
  bySession: boolean,
  managers: ReadonlySet<string>,
  currentRoles: readonly string[],
  requestedRoles: readonly string[] | undefined,
): void {
  if (bySession) return;
  if (holdsAny(currentRoles, managers) || holdsAny(requestedRoles ?? [], managers)) {
    throw new AppError('FORBIDDEN', {
      message: 'Accounts that manage users, and roles that do, need an interactive session',
    });
  }
}

/** LAST_ADMIN when `user` is the last enabled account that manages users and `next` (null: deleted) is not one. */
export async function assertManagerRemains(
  stores: Stores,
  managers: ReadonlySet<string>,
  user: UserRecord,
  next: { roles: readonly string[]; disabled: boolean } | null,
): Promise<void> {
  const wasManager = holdsAny(user.roles, managers) && !user.disabled;
  const staysManager = next !== null && holdsAny(next.roles, managers) && !next.disabled;
  if (!wasManager || staysManager) return;
  const roles = [...managers];
  await stores.users.lockEnabledWithAnyRole(roles);
  if ((await stores.users.countEnabledWithAnyRole(roles)) <= 1) throw new AppError('LAST_ADMIN');
}
