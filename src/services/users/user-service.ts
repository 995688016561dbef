/**
 * Users: creation (with a password, or an imported argon2id/bcrypt hash), listing, role changes, disabling,
 * deletion, password changes, administrators' password resets and service accounts. Plaintext passwords pass through here only on their way to the hasher.
 * Invariants: at least one enabled account can always manage users and one the policy (user-managers.ts); a user
 * holds only roles the current policy defines (or `user`, the role new accounts get by default), so a typo cannot
 * create a role that silently grants nothing; `subject` and `attributes` are what policy conditions compare, set
 * by administrators only, never by the user themselves. Every change made for a request (`by`) is recorded as a
 * security event here, after it commits; changes made from code with no requester (setup, tests) record none.
 */
import { AppError } from '../../errors.js';
import { createAccountChanges } from './change-user.js';
import { createUserCreation } from './create-user.js';
import { decodeUserCursor, encodeUserCursor, type PublicUser, toPublicUser } from './public-user.js';
import { createPasswordReset } from './reset-password.js';
import { createPasswordChange } from './set-password.js';
import type { UserServiceDeps } from './user-common.js';

export { type ChangeContext, type ChangeOptions, DEFAULT_ROLE, type UserServiceDeps } from './user-common.js';

export function createUserService(deps: UserServiceDeps) {
  return {
    ...createUserCreation(deps),
    async get(id: string): Promise<PublicUser> {
      const user = await deps.users.findById(id);
      if (user === null) throw new AppError('USER_NOT_FOUND');
      return toPublicUser(user, await deps.subjects.open(user.id, user.subject));
    },

    async list(options: { cursor?: string; limit: number }) {
      const after = options.cursor === undefined ? null : decodeUserCursor(options.cursor);
      const rows = await deps.users.list({ after, limit: options.limit + 1 });
      const page = rows.slice(0, options.limit);
      const last = page.at(-1);
      return {
        users: await Promise.all(
          page.map(async (u) => toPublicUser(u, await deps.subjects.open(u.id, u.subject))),
        ),
        nextCursor: rows.length > options.limit && last !== undefined ? encodeUserCursor(last) : null,
      };
    },

    ...createAccountChanges(deps),
    ...createPasswordChange(deps),
    ...createPasswordReset(deps),
  };
}

export type UserService = ReturnType<typeof createUserService>;
