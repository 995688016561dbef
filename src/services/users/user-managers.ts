/**
 * Accounts that administer: those whose roles the policy lets manage users (`manage_users` on `system/users`) or
 * the policy itself (`manage_policies` on `system/policies`), with some purpose or none, deciding each account's
 * whole role list (authorizer.ts `administrationOf`): which roles those are is the policy's answer, never a role
 * name written here.
 * Invariants: after any change at least one enabled account can still manage users and one can still manage the
 * policy (LAST_ADMIN otherwise), checked under a lock of every enabled account and of the changed row, so racing
 * changes cannot both pass; accounts that administer, and changes that would make one, are made from an
 * interactive session only, so a leaked API key cannot take over or lock out the administrators.
 */
import { AppError } from '../../errors.js';
import type { Stores, UserRecord } from '../../storage/index.js';
import type { Administration } from '../authorizer.js';

const POWERS = ['users', 'policies'] as const;

const administers = (administration: Administration, roles: readonly string[]) =>
  POWERS.some((power) => administration[power](roles));

/** FORBIDDEN unless `bySession`, when the account administers now or would with `requestedRoles`. */
export function assertManagersChangedBySession(
  bySession: boolean,
  administration: Administration,
  currentRoles: readonly string[],
  requestedRoles: readonly string[] | undefined,
): void {
  if (bySession) return;
  if (administers(administration, currentRoles) || administers(administration, requestedRoles ?? [])) {
    throw new AppError('FORBIDDEN', {
      message:
        'Accounts that manage users or the policy, and changes that make one, need an interactive session',
    });
  }
}

/**
 * LAST_ADMIN when `user` is the last enabled account holding a power (managing users, managing the policy) that
 * `next` (null: deleted) would not keep. The caller holds `lockForAdministration(user.id)` in `stores`' transaction.
 */
export async function assertManagerRemains(
  stores: Stores,
  administration: Administration,
  user: UserRecord,
  next: { roles: readonly string[]; disabled: boolean } | null,
): Promise<void> {
  let enabled: Array<{ id: string; roles: readonly string[] }> | null = null;
  for (const power of POWERS) {
    const had = !user.disabled && administration[power](user.roles);
    const keeps = next !== null && !next.disabled && administration[power](next.roles);
    if (!had || keeps) continue;
    enabled ??= await stores.users.listEnabledRoles();
    if (!enabled.some((other) => other.id !== user.id && administration[power](other.roles)))
      throw new AppError('LAST_ADMIN');
  }
}

/** Whether, under `administration` (a policy about to be stored), some enabled account keeps each power. */
export async function administratorsRemain(
  stores: Pick<Stores, 'users'>,
  administration: Administration,
): Promise<boolean> {
  const enabled = await stores.users.listEnabledRoles();
  return POWERS.every((power) => enabled.some((account) => administration[power](account.roles)));
}
