/**
 * API keys: long-lived credentials for machines. The key (`srk_…`, with checksum) is shown once at creation; only its
 * SHA-256 is stored. A user sees and revokes only their own keys: another user's key id answers 404, exactly like a
 * key that does not exist, so ids cannot be probed.
 */
import { randomUUID } from 'node:crypto';
import { generateOpaqueToken, hashOpaqueToken, isOpaqueToken } from '../crypto/index.js';
import { AppError } from '../errors.js';
import type { ApiKeyRecord, ApiKeyStore, Transactor } from '../storage/index.js';
import type { RevocationPublisher } from './revocations.js';
import { requestFieldsOf, type SecurityEventRecorder } from './security-events.js';

export interface PublicApiKey {
  id: string;
  name: string;
  /** The roles of its user the key acts with; null: all of them. */
  roles: string[] | null;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

/** A key as it may be shown: never its hash. */
export function toPublicApiKey(key: ApiKeyRecord): PublicApiKey {
  return {
    id: key.id,
    name: key.name,
    roles: key.roles,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    lastUsedAt: key.lastUsedAt,
  };
}

/** Keys always expire: 90 days unless asked otherwise (at most a year, enforced by the route schema). */
export const DEFAULT_API_KEY_TTL_SECONDS = 90 * 86_400;

/**
 * A new key for `userId`, minted in `sessionId` (null: by an administrator, for a service account): the secret,
 * shown once, and the row to store, which holds only its SHA-256.
 */
export function newApiKey(
  userId: string,
  sessionId: string | null,
  input: { name: string; expiresInSeconds?: number; roles?: string[] },
  now: number,
): { key: string; record: ApiKeyRecord } {
  const key = generateOpaqueToken('srk');
  const record: ApiKeyRecord = {
    id: randomUUID(),
    userId,
    name: input.name,
    keyHash: hashOpaqueToken(key),
    sessionId,
    createdAt: now,
    expiresAt: now + (input.expiresInSeconds ?? DEFAULT_API_KEY_TTL_SECONDS) * 1000,
    lastUsedAt: null,
    revokedAt: null,
    roles: input.roles === undefined ? null : [...new Set(input.roles)],
  };
  return { key, record };
}

/** Live (unrevoked, unexpired) keys a user may hold at once. */
export const MAX_LIVE_API_KEYS = 100;

// Writing last_used_at on every request would turn each read into a write; minute precision is enough.
const TOUCH_INTERVAL_MS = 60_000;

/** The request a key change is made for, for its security event. */
export interface KeyChangeContext {
  clientAddress?: string;
  requestId?: string;
}

/** What authentication asks of a presented key: its stored hash, whether it still works, and noting its use. */
function createKeyUse(deps: { store: Pick<ApiKeyStore, 'touch'>; clock: () => number }) {
  return {
    /** The SHA-256 a presented key is stored (and cached) under; null for a malformed key. */
    hashOf: (key: string): string | null => (isOpaqueToken(key, 'srk') ? hashOpaqueToken(key) : null),
    /** Whether a key still works now: neither revoked nor expired. */
    isUsable: (record: ApiKeyRecord): boolean =>
      record.revokedAt === null && (record.expiresAt === null || record.expiresAt > deps.clock()),
    /** Notes a use of a live key: last_used_at at most once a minute (also on `record`, which may be a cached one). */
    async noteUse(record: ApiKeyRecord): Promise<void> {
      const now = deps.clock();
      if (record.lastUsedAt !== null && now - record.lastUsedAt <= TOUCH_INTERVAL_MS) return;
      record.lastUsedAt = now;
      await deps.store.touch(record.id, now);
    },
  };
}

export function createApiKeyService(deps: {
  store: ApiKeyStore;
  transactor: Transactor;
  events: Pick<SecurityEventRecorder, 'record'>;
  /** Told after every revocation commits (every node drops what it cached of the key). */
  revocations: RevocationPublisher;
  clock: () => number;
}) {
  async function recorded(
    type: 'api_key_created' | 'api_key_revoked',
    userId: string,
    apiKeyId: string,
    by: KeyChangeContext | undefined,
  ) {
    if (by === undefined) return;
    await deps.events.record(type, {
      userId,
      apiKeyId,
      ...requestFieldsOf(by),
    });
  }

  /** Keys neither revoked nor expired: the ones that still work, and the ones the limit counts. */
  async function liveKeys(
    userId: string,
    store: Pick<ApiKeyStore, 'listByUser'> = deps.store,
  ): Promise<ApiKeyRecord[]> {
    const now = deps.clock();
    return (await store.listByUser(userId)).filter((key) => key.expiresAt === null || key.expiresAt > now);
  }

  const { hashOf, isUsable, noteUse } = createKeyUse(deps);

  return {
    /**
     * Mints a key for a user, remembering the session it was minted in (see session-service COMPROMISE_REASONS).
     * `roles` restricts the key to some of the user's roles (the caller checks they are the user's); authentication
     * intersects them with the user's roles at every use, so a key never outgrows its user.
     */
    async create(
      userId: string,
      sessionId: string,
      input: { name: string; expiresInSeconds?: number; roles?: string[] },
      by?: KeyChangeContext,
    ) {
      const now = deps.clock();
      const { key, record } = newApiKey(userId, sessionId, input, now);
      // Bounded so the list of a user's keys is bounded too: counted and inserted under the user's row lock, so
      // racing creates queue rather than each passing the count.
      await deps.transactor.transaction(async (stores) => {
        await stores.users.lockUser(userId);
        // A password change that committed while this request waited for the lock revoked the minting session and
        // every key of the user; a key inserted now would outlive it. (A row that is gone was purged after it
        // expired, and a change never deletes one.)
        const session = await stores.sessions.findSession(sessionId);
        if (session !== null && (session.revokedAt !== null || session.userId !== userId))
          throw new AppError('INVALID_TOKEN');
        if ((await liveKeys(userId, stores.apiKeys)).length >= MAX_LIVE_API_KEYS) {
          throw new AppError('API_KEY_LIMIT_REACHED');
        }
        await stores.apiKeys.insert(record);
      });
      await recorded('api_key_created', userId, record.id, by);
      return { ...toPublicApiKey(record), key };
    },

    async list(userId: string): Promise<PublicApiKey[]> {
      return (await liveKeys(userId)).map(toPublicApiKey);
    },

    async revoke(userId: string, id: string, by?: KeyChangeContext): Promise<void> {
      // Another user's key and an unknown id: the same query, the same answer (findLiveOwned says why).
      if ((await deps.store.findLiveOwned(userId, id)) === null) throw new AppError('API_KEY_NOT_FOUND');
      await deps.store.revoke(id, 'revoked_by_owner', deps.clock());
      await deps.revocations.publish({ apiKeyIds: [id] });
      await recorded('api_key_revoked', userId, id, by);
    },

    hashOf,

    /** The stored record of a key by its hash, whatever its state. */
    findByHash: (keyHash: string) => deps.store.findByHash(keyHash),

    isUsable,
    noteUse,

    /** The live key record for a presented key, or null for any malformed, unknown, revoked or expired key. */
    async findActive(key: string): Promise<ApiKeyRecord | null> {
      const keyHash = hashOf(key);
      const record = keyHash === null ? null : await deps.store.findByHash(keyHash);
      if (record === null || !isUsable(record)) return null;
      await noteUse(record);
      return record;
    },

    /** Revokes a presented key (e.g. seen in clear text); returns its record when it was live. */
    async revokeExposed(key: string): Promise<ApiKeyRecord | null> {
      if (!isOpaqueToken(key, 'srk')) return null;
      const record = await deps.store.findByHash(hashOpaqueToken(key));
      if (record === null) return null;
      const revoked = await deps.store.revoke(record.id, 'exposed_over_http', deps.clock());
      if (revoked) await deps.revocations.publish({ apiKeyIds: [record.id] });
      return revoked ? record : null;
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
