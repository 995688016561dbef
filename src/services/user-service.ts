/**
 * Users: creation (with a password, or an imported argon2id/bcrypt hash), listing, role changes, disabling,
 * deletion and password changes. Plaintext passwords pass through here only on their way to the hasher.
 * Invariants: there is always at least one enabled admin (the last one cannot be deleted, disabled or demoted);
 * a user holds only roles the current policy defines (or the built-in admin/user), so a typo cannot create a
 * role that silently grants nothing; `subject` and `attributes` are what policy conditions compare, set by admins
 * only, never by the user themselves.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import type { Stores, Transactor, UserAttributes, UserRecord, UserStore } from '../storage/index.js';

export type Role = 'admin' | 'user';
export const ROLES: readonly Role[] = ['admin', 'user'];

export interface PublicUser {
  id: string;
  username: string;
  roles: string[];
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  subject: string | null;
  attributes: UserAttributes;
}

export function toPublicUser(user: UserRecord): PublicUser {
  const { passwordHash: _omitted, ...rest } = user;
  return rest;
}

interface Cursor {
  createdAt: number;
  id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

function decodeCursor(value: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through to the typed error
  }
  throw new AppError('VALIDATION_FAILED', {
    field: 'query.cursor',
    message: 'query.cursor is not a valid cursor',
  });
}

/**
 * Admin accounts, and grants of the admin role, are changed only from an interactive admin session: a leaked admin
 * API key must not be able to create, re-enable, demote, disable or delete admins (to take over or lock out).
 */
export function assertNoAdminPower(
  currentRoles: readonly string[],
  requestedRoles: readonly string[] | undefined,
) {
  if (currentRoles.includes('admin') || requestedRoles?.includes('admin') === true) {
    throw new AppError('FORBIDDEN', {
      message: 'Admin accounts and the admin role need an interactive admin session',
    });
  }
}

/** Throws VALIDATION_FAILED naming `body.roles.<i>` for a role neither built in nor defined by the policy. */
function assertKnownRoles(roles: readonly string[] | undefined, defined: ReadonlySet<string>): void {
  roles?.forEach((role, i) => {
    if (!defined.has(role) && !ROLES.some((builtIn) => builtIn === role)) {
      throw new AppError('VALIDATION_FAILED', {
        field: `body.roles.${i}`,
        message: `body.roles.${i} is not a role the current policy defines`,
      });
    }
  });
}

export function createUserService(deps: {
  transactor: Transactor;
  users: UserStore;
  /** The roles the policy in force defines. */
  definedRoles: () => ReadonlySet<string>;
  hasher: { hash(password: string): Promise<string> };
  policy: { check(password: string, context?: { username?: string; field?: string }): void };
  isImportableHash: (value: string) => boolean;
  clock: () => number;
}) {
  async function assertAdminRemains(
    stores: Stores,
    user: UserRecord,
    next: { roles: string[]; disabled: boolean } | null,
  ) {
    const wasAdmin = user.roles.includes('admin') && !user.disabled;
    const staysAdmin = next?.roles.includes('admin') === true && !next.disabled;
    if (!wasAdmin || staysAdmin) return;
    await stores.users.lockEnabledAdmins();
    if ((await stores.users.countEnabledAdmins()) <= 1) throw new AppError('LAST_ADMIN');
  }

  return {
    async create(input: {
      username: string;
      password?: string;
      passwordHash?: string;
      roles: string[];
      subject?: string | null;
      attributes?: UserAttributes;
    }) {
      assertKnownRoles(input.roles, deps.definedRoles());
      let passwordHash: string;
      if (input.passwordHash !== undefined) {
        if (!deps.isImportableHash(input.passwordHash)) {
          throw new AppError('INVALID_PASSWORD_HASH', { field: 'body.password_hash' });
        }
        passwordHash = input.passwordHash;
      } else if (input.password !== undefined) {
        deps.policy.check(input.password, { username: input.username, field: 'body.password' });
        passwordHash = await deps.hasher.hash(input.password);
      } else {
        throw new AppError('VALIDATION_FAILED', {
          field: 'body',
          message: 'body must have password or password_hash',
        });
      }
      if (await deps.users.existsByUsername(input.username))
        throw new AppError('USERNAME_TAKEN', { field: 'body.username' });
      const now = deps.clock();
      const user: UserRecord = {
        id: randomUUID(),
        username: input.username,
        passwordHash,
        roles: [...new Set(input.roles)],
        disabled: false,
        credentialVersion: 0,
        createdAt: now,
        updatedAt: now,
        subject: input.subject ?? null,
        attributes: input.attributes ?? {},
      };
      try {
        await deps.users.insert(user);
      } catch (error) {
        // A concurrent create of the same name loses on the unique index.
        if (await deps.users.existsByUsername(input.username))
          throw new AppError('USERNAME_TAKEN', { field: 'body.username' });
        throw error;
      }
      return toPublicUser(user);
    },

    async get(id: string): Promise<PublicUser> {
      const user = await deps.users.findById(id);
      if (user === null) throw new AppError('USER_NOT_FOUND');
      return toPublicUser(user);
    },

    async list(options: { cursor?: string; limit: number }) {
      const after = options.cursor === undefined ? null : decodeCursor(options.cursor);
      const rows = await deps.users.list({ after, limit: options.limit + 1 });
      const page = rows.slice(0, options.limit);
      const last = page.at(-1);
      return {
        users: page.map(toPublicUser),
        nextCursor: rows.length > options.limit && last !== undefined ? encodeCursor(last) : null,
      };
    },

    /**
     * Changes roles, disabled, subject or attributes; `byAdminSession` false (an API key) may not touch an admin
     * account nor grant the admin role — checked inside the transaction, against the row it changes, as is
     * `mayHandleRoles`: the caller's right to manage an account holding (or being given) those roles.
     */
    async update(
      id: string,
      changes: { roles?: string[]; disabled?: boolean; subject?: string | null; attributes?: UserAttributes },
      options: { byAdminSession: boolean; mayHandleRoles?: (roles: readonly string[]) => void },
    ): Promise<PublicUser> {
      assertKnownRoles(changes.roles, deps.definedRoles());
      return deps.transactor.transaction(async (stores) => {
        const user = await stores.users.findById(id);
        if (user === null) throw new AppError('USER_NOT_FOUND');
        if (!options.byAdminSession) assertNoAdminPower(user.roles, changes.roles);
        options.mayHandleRoles?.([...user.roles, ...(changes.roles ?? [])]);
        const next = {
          roles: changes.roles === undefined ? user.roles : [...new Set(changes.roles)],
          disabled: changes.disabled ?? user.disabled,
          subject: changes.subject === undefined ? user.subject : changes.subject,
          attributes: changes.attributes ?? user.attributes,
        };
        await assertAdminRemains(stores, user, next);
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
        return toPublicUser({ ...user, ...next, updatedAt: now });
      });
    },

    async delete(
      id: string,
      options: { byAdminSession: boolean; mayHandleRoles?: (roles: readonly string[]) => void },
    ): Promise<void> {
      await deps.transactor.transaction(async (stores) => {
        const user = await stores.users.findById(id);
        if (user === null) throw new AppError('USER_NOT_FOUND');
        if (!options.byAdminSession) assertNoAdminPower(user.roles, undefined);
        options.mayHandleRoles?.(user.roles);
        await assertAdminRemains(stores, user, null);
        // Sessions and API keys go with the user (ON DELETE CASCADE); authentication re-reads both on every request.
        await stores.users.delete(id);
      });
    },

    /**
     * Sets a new password (policy-checked), bumps the credential version so that no session from before the change
     * (nor one being created from a check of the old password) stays valid except `keepSessionId`, revokes the
     * other sessions and the API keys minted in them.
     */
    async setPassword(user: UserRecord, newPassword: string, keepSessionId?: string): Promise<void> {
      deps.policy.check(newPassword, { username: user.username, field: 'body.new_password' });
      const hash = await deps.hasher.hash(newPassword);
      await deps.transactor.transaction(async (stores) => {
        const now = deps.clock();
        const version = await stores.users.changePassword(user.id, hash, now, user.credentialVersion);
        // The password changed since this caller's check of it (a racing change): this one must not win.
        if (version === null) {
          throw new AppError('INVALID_CREDENTIALS', {
            field: 'body.current_password',
            message: 'body.current_password is no longer the current password',
          });
        }
        // The session asking for the change must still be live (not revoked a moment ago, e.g. by a racing change).
        if (keepSessionId !== undefined) {
          const keep = await stores.sessions.findSession(keepSessionId);
          if (keep === null || keep.revokedAt !== null) throw new AppError('INVALID_TOKEN');
        }
        const revoked = await stores.sessions.revokeUserSessions(
          user.id,
          'password_changed',
          now,
          keepSessionId,
        );
        await stores.apiKeys.revokeMintedBy(revoked, 'password_changed', now);
        if (keepSessionId !== undefined) await stores.sessions.setCredentialVersion(keepSessionId, version);
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
