/**
 * Account creation: with a password (policy-checked, then hashed), an imported argon2id/bcrypt hash, or as a
 * service account. A service account has no usable password: it stores the hash of 32 random bytes nobody ever
 * sees (so a login attempt hashes exactly as for a wrong password), and the login path refuses it besides.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { UserAttributes, UserRecord } from '../../storage/index.js';
import { toPublicUser } from './public-user.js';
import {
  assertKnownRoles,
  type ChangeOptions,
  recordAccountChange,
  type UserServiceDeps,
} from './user-common.js';
import { assertManagersChangedBySession } from './user-managers.js';

export function createUserCreation(deps: UserServiceDeps) {
  return {
    /** Creates an account; `options` as for update (an API key cannot create an administrator). */
    async create(
      input: {
        username: string;
        password?: string;
        passwordHash?: string;
        roles: string[];
        subject?: string | null;
        attributes?: UserAttributes;
        /** A machine account: no password, acts through the API keys an administrator mints for it. */
        service?: boolean;
      },
      options: ChangeOptions = { bySession: true },
    ) {
      assertKnownRoles(input.roles, deps.definedRoles());
      assertManagersChangedBySession(options.bySession, deps.administration(), [], input.roles);
      options.mayHandleRoles?.(input.roles);
      let passwordHash: string;
      const service = input.service === true;
      if (service && (input.password !== undefined || input.passwordHash !== undefined)) {
        throw new AppError('VALIDATION_FAILED', {
          field: input.password === undefined ? 'password_hash' : 'password',
          message: 'a service account has no password',
        });
      }
      if (service) {
        passwordHash = await deps.hasher.hash(randomBytes(32).toString('base64url'));
      } else if (input.passwordHash !== undefined) {
        if (!deps.isImportableHash(input.passwordHash)) {
          throw new AppError('INVALID_PASSWORD_HASH', { field: 'password_hash' });
        }
        passwordHash = input.passwordHash;
      } else if (input.password !== undefined) {
        await deps.policy.check(input.password, {
          username: input.username,
          field: 'password',
          // Throttled per requester: an administrator's refused passwords count against the administrator.
          ...(options.by === undefined ? {} : { actorId: options.by.userId }),
        });
        passwordHash = await deps.hasher.hash(input.password);
      } else {
        throw new AppError('VALIDATION_FAILED', {
          field: 'password',
          message: 'password is required (or password_hash)',
        });
      }
      if (await deps.users.existsByUsername(input.username))
        throw new AppError('USERNAME_TAKEN', { field: 'username' });
      const now = deps.clock();
      const id = randomUUID();
      const user: UserRecord = {
        id,
        username: input.username,
        passwordHash,
        roles: [...new Set(input.roles)],
        disabled: false,
        credentialVersion: 0,
        createdAt: now,
        updatedAt: now,
        subject: null,
        attributes: input.attributes ?? {},
        mustChangePassword: false,
        service,
      };
      const subject = input.subject ?? null;
      try {
        // The subject's key is created (or found) with the account, in one transaction.
        await deps.transactor.transaction(async (stores) => {
          if (subject !== null) user.subject = await deps.subjects.seal(stores, id, subject);
          await stores.users.insert(user);
        });
      } catch (error) {
        // A concurrent create of the same name loses on the unique index.
        if (await deps.users.existsByUsername(input.username))
          throw new AppError('USERNAME_TAKEN', { field: 'username' });
        throw error;
      }
      await recordAccountChange(deps, 'user_created', options.by, user.id);
      return toPublicUser(user, subject);
    },
  };
}
