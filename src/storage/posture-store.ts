/**
 * Read-only aggregate queries behind `GET /v1/sys/posture` (services/posture): key ages, credential ages, last
 * logins and the audit chain's head and newest checkpoint. Invariants: nothing here writes; every list is bounded
 * by `limit`; the only secret-derived column read is `users.password_hash`, streamed in pages so the posture can
 * count stale hash parameters, and its callers never return it.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const USER_PAGE = 1000;

export interface PostureUserRow {
  id: string;
  passwordHash: string;
  roles: string;
  kind: string;
  disabled: number;
}

export interface CountedIds {
  count: number;
  /** At most the `limit` asked for, oldest first. */
  ids: string[];
}

/** Accounts and credentials: password hashes (streamed), last logins, API key ages. */
function accountQueries(db: Kysely<Database>) {
  /** Counts the rows `query` selects and returns the first `limit` ids. */
  async function counted<Q extends { id: string }>(
    rows: () => Promise<Q[]>,
    total: () => Promise<{ n: number | string | bigint } | undefined>,
  ): Promise<CountedIds> {
    const [list, count] = await Promise.all([rows(), total()]);
    return { count: Number(count?.n ?? 0), ids: list.map((row) => row.id) };
  }

  const liveApiKeys = (now: number) =>
    db
      .selectFrom('api_keys')
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));

  return {
    /** Every user's hash, roles and kind, a page at a time (for counts; the hashes never leave the service). */
    async *users(): AsyncGenerator<PostureUserRow> {
      let after = '';
      for (;;) {
        const page = await db
          .selectFrom('users')
          .select(['id', 'password_hash', 'roles', 'kind', 'disabled'])
          .where('id', '>', after)
          .orderBy('id')
          .limit(USER_PAGE)
          .execute();
        for (const row of page) {
          yield {
            id: row.id,
            passwordHash: row.password_hash,
            roles: row.roles,
            kind: row.kind,
            disabled: row.disabled,
          };
        }
        const last = page.at(-1);
        if (last === undefined || page.length < USER_PAGE) return;
        after = last.id;
      }
    },

    /** The newest successful password login of each of `userIds` (absent: none recorded). */
    async lastLogins(userIds: readonly string[]): Promise<Map<string, number>> {
      const found = new Map<string, number>();
      for (let i = 0; i < userIds.length; i += 500) {
        const rows = await db
          .selectFrom('security_events')
          .select((eb) => ['user_id', eb.fn.max('occurred_at').as('last')])
          .where('type', '=', 'login_succeeded')
          .where('user_id', 'in', userIds.slice(i, i + 500))
          .groupBy('user_id')
          .execute();
        for (const row of rows) if (row.user_id !== null) found.set(row.user_id, Number(row.last));
      }
      return found;
    },

    async liveApiKeyCount(now: number): Promise<number> {
      const row = await liveApiKeys(now)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** Live (not revoked, not expired) API keys created before `before`. */
    apiKeysCreatedBefore(now: number, before: number, limit: number): Promise<CountedIds> {
      const base = liveApiKeys(now).where('created_at', '<', before);
      return counted(
        () => base.select('id').orderBy('created_at').limit(limit).execute(),
        () => base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
      );
    },

    /** Live API keys that never expire. */
    apiKeysWithoutExpiry(limit: number): Promise<CountedIds> {
      const base = db.selectFrom('api_keys').where('revoked_at', 'is', null).where('expires_at', 'is', null);
      return counted(
        () => base.select('id').orderBy('created_at').limit(limit).execute(),
        () => base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
      );
    },

    /** Users among `userIds` holding a live API key, with the creation time of their newest one. */
    async newestApiKeys(userIds: readonly string[], now: number): Promise<Map<string, number>> {
      const found = new Map<string, number>();
      for (let i = 0; i < userIds.length; i += 500) {
        const rows = await liveApiKeys(now)
          .select((eb) => ['user_id', eb.fn.max('created_at').as('newest')])
          .where('user_id', 'in', userIds.slice(i, i + 500))
          .groupBy('user_id')
          .execute();
        for (const row of rows) found.set(row.user_id, Number(row.newest));
      }
      return found;
    },
  };
}

/** Keys and the audit chain: ages of the keys in use, the chain head and checkpoints. */
function keyQueries(db: Kysely<Database>) {
  return {
    /** Creation time of the newest token-signing key not retired (null: none yet). */
    async currentSigningKeyCreatedAt(): Promise<number | null> {
      const row = await db
        .selectFrom('signing_keys')
        .select((eb) => eb.fn.max('created_at').as('t'))
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      return row?.t === null || row?.t === undefined ? null : Number(row.t);
    },

    /** Creation time of the master key version in use (null: none yet). */
    async currentMasterKeyCreatedAt(): Promise<number | null> {
      const row = await db
        .selectFrom('master_keys')
        .select((eb) => eb.fn.max('created_at').as('t'))
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      return row?.t === null || row?.t === undefined ? null : Number(row.t);
    },

    /** Data keys whose newest live version is older than `before` (not rotated since), and how many are live. */
    async staleDataKeys(before: number, limit: number): Promise<CountedIds & { live: number }> {
      const rows = await db
        .selectFrom('data_keys')
        .select((eb) => ['key_id', eb.fn.max('created_at').as('newest')])
        .where('retired_at', 'is', null)
        .where('destroyed_at', 'is', null)
        .groupBy('key_id')
        .execute();
      const stale = rows
        .map((row) => ({ id: row.key_id, newest: Number(row.newest) }))
        .filter((row) => row.newest < before)
        .sort((a, b) => a.newest - b.newest);
      return { live: rows.length, count: stale.length, ids: stale.slice(0, limit).map((row) => row.id) };
    },

    /** The chain head, the newest signed checkpoint (with when it was stored) and the oldest event after it. */
    async auditState() {
      const head = await db.selectFrom('audit_chain_head').selectAll().where('id', '=', 1).executeTakeFirst();
      const checkpoint = await db
        .selectFrom('audit_checkpoints')
        .select(['seq', 'time', 'created_at'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      // The oldest event no checkpoint covers yet: how long it has waited says whether signing keeps up.
      const signedThrough = checkpoint?.seq ?? head?.anchor_seq ?? 0;
      const unsigned = await db
        .selectFrom('audit_events')
        .select('occurred_at')
        .where('seq', '>', signedThrough)
        .orderBy('seq')
        .limit(1)
        .executeTakeFirst();
      return {
        headSeq: head?.seq ?? 0,
        anchorSeq: head?.anchor_seq ?? 0,
        firstUnsignedAt: unsigned === undefined ? null : Number(unsigned.occurred_at),
        checkpoint:
          checkpoint === undefined
            ? null
            : { seq: checkpoint.seq, time: checkpoint.time, createdAt: checkpoint.created_at },
      };
    },
  };
}

export function createPostureStore(db: Kysely<Database>) {
  return { ...accountQueries(db), ...keyQueries(db) };
}

export type PostureStore = ReturnType<typeof createPostureStore>;
