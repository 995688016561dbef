/**
 * API keys of service accounts, managed by administrators: a service account has no password and no session, so
 * its keys are minted for it (`session_id` NULL), listed and revoked by whoever the policy lets
 * `manage_service_accounts`.
 * Invariants:
 * - keys are minted for service accounts only (NOT_A_SERVICE_ACCOUNT for a person: an administrator holding a
 *   person's key could act as them); the secret is shown once, in the return value, and stored as SHA-256;
 * - a key's roles are some of the account's roles (FORBIDDEN naming `roles.<i>` otherwise), and the caller must
 *   be allowed to handle every role the account holds (`mayHandleRoles`, the route's own action);
 * - no session mints them, so no session revocation (logout, a compromised session, a password change or reset)
 *   revokes them: they end by expiry, explicit revocation here, or the account's deletion; while the account is
 *   disabled they do not authenticate;
 * - minting counts the account's live keys under its row lock (MAX_LIVE_API_KEYS), like self-service keys.
 */
import { AppError } from '../errors.js';
import type { ApiKeyRecord, ApiKeyStore, Transactor, UserStore } from '../storage/index.js';
import {
  type KeyChangeContext,
  MAX_LIVE_API_KEYS,
  newApiKey,
  type PublicApiKey,
  toPublicApiKey,
} from './api-key-service.js';
import type { RevocationPublisher } from './revocations.js';
import { requestFieldsOf, type SecurityEventRecorder } from './security-events.js';

/** Who asks: their id (for the event), the request, and their right to handle the account's roles. */
export interface ServiceKeyCaller extends KeyChangeContext {
  userId: string;
  mayHandleRoles: (roles: readonly string[]) => void;
}

export function createServiceAccountKeys(deps: {
  store: Pick<ApiKeyStore, 'listByUser' | 'findLiveOwned' | 'revoke'>;
  users: Pick<UserStore, 'findById'>;
  transactor: Transactor;
  events: Pick<SecurityEventRecorder, 'record'>;
  revocations: RevocationPublisher;
  clock: () => number;
}) {
  const live = (keys: ApiKeyRecord[]) => {
    const now = deps.clock();
    return keys.filter((key) => key.expiresAt === null || key.expiresAt > now);
  };

  /** The account, which the caller may handle; USER_NOT_FOUND, or NOT_A_SERVICE_ACCOUNT when `serviceOnly`. */
  async function accountOf(
    users: Pick<UserStore, 'findById'>,
    id: string,
    caller: ServiceKeyCaller,
    serviceOnly: boolean,
  ) {
    const user = await users.findById(id);
    if (user === null) throw new AppError('USER_NOT_FOUND');
    caller.mayHandleRoles(user.roles);
    if (serviceOnly && !user.service) throw new AppError('NOT_A_SERVICE_ACCOUNT');
    return user;
  }

  async function record(
    type: 'api_key_created' | 'api_key_revoked',
    caller: ServiceKeyCaller,
    id: string,
    owner: string,
  ) {
    await deps.events.record(type, {
      userId: caller.userId,
      apiKeyId: id,
      ...requestFieldsOf(caller),
      detail: { target: owner },
    });
  }

  return {
    /** Mints a key for service account `userId`; the key itself is in the result only. */
    async mint(
      userId: string,
      input: { name: string; expiresInSeconds?: number; roles?: string[] },
      caller: ServiceKeyCaller,
    ): Promise<PublicApiKey & { key: string }> {
      const { key, record: created } = newApiKey(userId, null, input, deps.clock());
      await deps.transactor.transaction(async (stores) => {
        await stores.users.lockUser(userId);
        const account = await accountOf(stores.users, userId, caller, true);
        // A key can only narrow its account's power: every role it names must be one the account holds.
        input.roles?.forEach((role, i) => {
          if (!account.roles.includes(role))
            throw new AppError('FORBIDDEN', {
              field: `roles.${i}`,
              message: `roles.${i} is not a role of the account`,
            });
        });
        if (live(await stores.apiKeys.listByUser(userId)).length >= MAX_LIVE_API_KEYS)
          throw new AppError('API_KEY_LIMIT_REACHED');
        await stores.apiKeys.insert(created);
      });
      await record('api_key_created', caller, created.id, userId);
      return { ...toPublicApiKey(created), key };
    },

    /** The live keys of user `userId` (service account or not), never their secrets. */
    async list(userId: string, caller: ServiceKeyCaller): Promise<PublicApiKey[]> {
      await accountOf(deps.users, userId, caller, false);
      return live(await deps.store.listByUser(userId)).map(toPublicApiKey);
    },

    /** Revokes key `id` of service account `userId`; another account's key answers API_KEY_NOT_FOUND. */
    async revoke(userId: string, id: string, caller: ServiceKeyCaller): Promise<void> {
      await accountOf(deps.users, userId, caller, true);
      // Another user's key and an unknown id: the same query, the same answer (findLiveOwned says why).
      if ((await deps.store.findLiveOwned(userId, id)) === null) throw new AppError('API_KEY_NOT_FOUND');
      await deps.store.revoke(id, 'revoked_by_admin', deps.clock());
      await deps.revocations.publish({ apiKeyIds: [id] });
      await record('api_key_revoked', caller, id, userId);
    },
  };
}

export type ServiceAccountKeys = ReturnType<typeof createServiceAccountKeys>;
