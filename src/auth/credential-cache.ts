/**
 * This node's memory of the rows authentication reads on every request: sessions, API keys (by key hash) and their
 * users. It answers only what the database would answer, and only while it can know of every change:
 * - a lookup is a hit only when the credential's row AND its user's row are cached and younger than `maxAgeMs`;
 *   any miss re-reads both (so a user's change, which drops the user, refreshes their sessions and keys too);
 *   ages are measured on a monotonic clock (`performance.now`), so no wall clock step (NTP, VM resume) can
 *   stretch an entry's life;
 * - a user is kept as `CachedUser`: the fields authentication reads, never the password hash (nor the sealed
 *   subject id), so the long-lived cache holds nothing a memory dump could crack or unseal;
 * - while the revocation bus is not live (its subscription lost, messages possibly missed) every lookup bypasses
 *   the cache and nothing is stored; when it is live again the bus has had everything dropped first;
 * - a change published while a lookup was reading the database bumps the generation, and that lookup's rows are
 *   not stored (they may predate the change); a change published on this node drops entries before `publish`
 *   returns, so no request after a commit is answered from an entry from before it;
 * - the caller still applies every check (revoked, expired, disabled, credential version) to what it gets: expiry
 *   is decided against the clock at each use, never cached.
 * Threats addressed: stale authorization after logout, revocation, password change, disabling, role change or
 * deletion on this or another node. Bounds: a change another node failed to publish (Redis unreachable from it
 * alone) is honoured here within `maxAgeMs`.
 * A session id the database does not know is remembered as absent (a negative entry) under the same rules (age
 * bound, live bus, generation check; dropped by a change naming that session and by every `all` drop), at most
 * `maxEntries` of them: so introspecting a session that never existed costs what a revoked or logged-out one
 * costs (a cached row), and the answer's timing does not tell them apart. Only sessions: an unknown API key hash
 * is never remembered (each costs its database read), since a key is looked up by a value its caller chose.
 */
import { performance } from 'node:perf_hooks';
import type { Invalidation, RevocationBus } from '../state/index.js';
import type { ApiKeyRecord, SessionRecord, UserRecord } from '../storage/index.js';

/** What authentication reads of a user (authenticate.ts, active-session.ts): no password hash. */
export interface CachedUser
  extends Pick<
    UserRecord,
    | 'id'
    | 'username'
    | 'roles'
    | 'disabled'
    | 'credentialVersion'
    | 'createdAt'
    | 'attributes'
    | 'mustChangePassword'
  > {
  /** The subject's keyed HMAC only (what policies compare); its sealed copy stays in the database. */
  subject: { hash: string } | null;
}

/** A copy of `user` holding only what authentication needs (a fresh object: the row is never kept). */
export function toCachedUser(user: CachedUser): CachedUser {
  return {
    id: user.id,
    username: user.username,
    roles: user.roles,
    disabled: user.disabled,
    credentialVersion: user.credentialVersion,
    createdAt: user.createdAt,
    attributes: user.attributes,
    mustChangePassword: user.mustChangePassword,
    subject: user.subject === null ? null : { hash: user.subject.hash },
  };
}

/** The default bound on an entry's age (README "Several nodes"): a missed message is honoured within this. */
export const CREDENTIAL_CACHE_MAX_AGE_MS = 5_000;

export interface CredentialCacheStats {
  hits: number;
  misses: number;
  /** Lookups that went to the database because the revocation channel was down. */
  bypasses: number;
  /** Cached rows now (sessions + API keys + users), absent session ids included. */
  size: number;
}

interface Entry<T> {
  value: T;
  storedAt: number;
}

interface CredentialEntry extends Entry<SessionRecord | ApiKeyRecord> {
  userId: string;
}

/** The cached rows and the user → credentials index, bounded at `maxEntries` each (the oldest go first). */
function createEntries(maxEntries: number) {
  // Sessions as `s:<id>`, API keys as `k:<sha-256>`; insertion order is age order.
  const credentials = new Map<string, CredentialEntry>();
  // Session ids found absent (`s:<id>` → when), in age order: same bound and drops as the rows.
  const absent = new Map<string, number>();
  const users = new Map<string, Entry<CachedUser>>();
  // Which credentials each user has cached: a change of the user drops them all, even once the user is re-read.
  const byUser = new Map<string, Set<string>>();

  function dropCredential(key: string): void {
    const entry = credentials.get(key);
    if (entry === undefined) return;
    credentials.delete(key);
    const keys = byUser.get(entry.userId);
    keys?.delete(key);
    if (keys?.size === 0) byUser.delete(entry.userId);
  }

  return {
    credentials,
    absent,
    users,
    storeAbsent(key: string, now: number): void {
      dropCredential(key);
      absent.delete(key);
      absent.set(key, now);
      const oldest = absent.size > maxEntries ? absent.keys().next().value : undefined;
      if (oldest !== undefined) absent.delete(oldest);
    },
    store(key: string, credential: SessionRecord | ApiKeyRecord, user: CachedUser, now: number): void {
      dropCredential(key);
      absent.delete(key);
      credentials.set(key, { value: credential, userId: user.id, storedAt: now });
      byUser.set(user.id, (byUser.get(user.id) ?? new Set<string>()).add(key));
      users.delete(user.id);
      users.set(user.id, { value: user, storedAt: now });
      const oldestCredential = credentials.size > maxEntries ? credentials.keys().next().value : undefined;
      if (oldestCredential !== undefined) dropCredential(oldestCredential);
      const oldestUser = users.size > maxEntries ? users.keys().next().value : undefined;
      if (oldestUser !== undefined) users.delete(oldestUser);
    },
    /** Drops what `change` names (a user: with every credential of theirs). */
    drop(change: Invalidation): void {
      if (change.all === true) {
        credentials.clear();
        absent.clear();
        users.clear();
        byUser.clear();
        return;
      }
      for (const id of change.sessionIds ?? []) {
        dropCredential(`s:${id}`);
        absent.delete(`s:${id}`);
      }
      for (const id of change.userIds ?? []) {
        users.delete(id);
        for (const key of byUser.get(id) ?? []) credentials.delete(key);
        byUser.delete(id);
      }
      // Keys are cached by hash: a revocation names the id, so the (bounded, rarely walked) map is scanned.
      const keyIds = new Set(change.apiKeyIds ?? []);
      if (keyIds.size === 0) return;
      for (const [key, entry] of credentials) {
        if (key.startsWith('k:') && keyIds.has(entry.value.id)) dropCredential(key);
      }
    },
  };
}

export function createCredentialCache(options: {
  bus: Pick<RevocationBus, 'isLive' | 'subscribe'>;
  /** Milliseconds from any origin, never stepping back (default `performance.now`); tests move it by hand. */
  monotonicClock?: () => number;
  maxEntries: number;
  maxAgeMs?: number;
}) {
  const maxAgeMs = options.maxAgeMs ?? CREDENTIAL_CACHE_MAX_AGE_MS;
  const now = options.monotonicClock ?? (() => performance.now());
  const enabled = options.maxEntries > 0 && maxAgeMs > 0;
  const { credentials, absent, users, store, storeAbsent, drop } = createEntries(options.maxEntries);
  const stats = { hits: 0, misses: 0, bypasses: 0 };
  let generation = 0;

  options.bus.subscribe((change) => {
    generation++;
    drop(change);
  });

  const fresh = <T>(entry: Entry<T> | undefined, at: number): T | undefined =>
    entry !== undefined && at - entry.storedAt < maxAgeMs ? entry.value : undefined;

  /** A hit when the credential and its user are both cached and fresh; otherwise loads both and maybe stores them. */
  async function lookup<T extends SessionRecord | ApiKeyRecord>(
    key: string,
    load: () => Promise<{ credential: T; user: UserRecord } | null>,
    rememberAbsent: boolean,
  ): Promise<{ credential: T; user: CachedUser } | null> {
    if (!enabled || !options.bus.isLive()) {
      if (enabled) stats.bypasses++;
      const row = await load();
      return row === null ? null : { credential: row.credential, user: toCachedUser(row.user) };
    }
    const at = now();
    const credential = fresh(credentials.get(key), at) as T | undefined;
    const user = credential === undefined ? undefined : fresh(users.get(credential.userId), at);
    if (credential !== undefined && user !== undefined) {
      stats.hits++;
      return { credential, user };
    }
    if (rememberAbsent && credential === undefined) {
      const absentAt = absent.get(key);
      if (absentAt !== undefined && at - absentAt < maxAgeMs) {
        stats.hits++;
        return null;
      }
    }
    stats.misses++;
    const before = generation;
    const row = await load();
    // Not stored when a change was published meanwhile (the rows may predate it) or the channel went down.
    const storable = generation === before && options.bus.isLive();
    if (row === null) {
      if (rememberAbsent && storable) storeAbsent(key, now());
      return null;
    }
    const loaded = { credential: row.credential, user: toCachedUser(row.user) };
    if (storable) store(key, loaded.credential, loaded.user, now());
    return loaded;
  }

  return {
    /**
     * The session `id` and its user when memory may answer now (a fresh hit, or a fresh absent entry: null),
     * without a promise; undefined when `session` must ask the database.
     */
    sessionNow(id: string): { session: SessionRecord; user: CachedUser } | null | undefined {
      if (!enabled || !options.bus.isLive()) return undefined;
      const key = `s:${id}`;
      const at = now();
      const credential = fresh(credentials.get(key), at) as SessionRecord | undefined;
      const user = credential === undefined ? undefined : fresh(users.get(credential.userId), at);
      if (credential !== undefined && user !== undefined) {
        stats.hits++;
        return { session: credential, user };
      }
      const absentAt = credential === undefined ? absent.get(key) : undefined;
      if (absentAt === undefined || at - absentAt >= maxAgeMs) return undefined;
      stats.hits++;
      return null;
    },
    /** The session `id` and its user, from memory when allowed, else from `load` (the database). */
    async session(
      id: string,
      load: () => Promise<{ session: SessionRecord; user: UserRecord } | null>,
    ): Promise<{ session: SessionRecord; user: CachedUser } | null> {
      const found = await lookup(
        `s:${id}`,
        async () => {
          const row = await load();
          return row === null ? null : { credential: row.session, user: row.user };
        },
        true,
      );
      return found === null ? null : { session: found.credential, user: found.user };
    },
    /** The API key with SHA-256 `keyHash` and its user, from memory when allowed, else from `load`. */
    async apiKey(
      keyHash: string,
      load: () => Promise<{ key: ApiKeyRecord; user: UserRecord } | null>,
    ): Promise<{ key: ApiKeyRecord; user: CachedUser } | null> {
      const found = await lookup(
        `k:${keyHash}`,
        async () => {
          const row = await load();
          return row === null ? null : { credential: row.key, user: row.user };
        },
        false,
      );
      return found === null ? null : { key: found.credential, user: found.user };
    },
    /** Cumulative lookups since start (for the metrics: hit rate = hits / (hits + misses + bypasses)). */
    stats(): CredentialCacheStats {
      return { ...stats, size: credentials.size + absent.size + users.size };
    },
  };
}

export type CredentialCache = ReturnType<typeof createCredentialCache>;
