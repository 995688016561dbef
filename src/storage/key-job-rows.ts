import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type KeyJobKind = 'master' | 'collection' | 'index';
export type KeyJobStatus = 'running' | 'completed' | 'failed';

export interface KeyJobRow {
  id: string;
  kind: KeyJobKind;
  /** The rotated data key (`c_…` or `i_…`); null for the master key. */
  keyId: string | null;
  fromVersion: number;
  toVersion: number;
  status: KeyJobStatus;
  /** The last record (or data key) id finished; '' before the first batch of a pass. */
  cursor: string;
  total: number;
  done: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  error: string | null;
}

function toJob(row: Database['key_jobs']): KeyJobRow {
  return {
    id: row.id,
    kind: row.kind as KeyJobKind,
    keyId: row.key_id,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    status: row.status as KeyJobStatus,
    cursor: row.cursor ?? '',
    total: row.total,
    done: row.done,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

/** Key rotation jobs as rows: creating and finding them, and counting the tokens a job still has to reach. */
export function createKeyJobRows(db: Kysely<Database>) {
  return {
    async insert(job: KeyJobRow): Promise<void> {
      await db
        .insertInto('key_jobs')
        .values({
          id: job.id,
          kind: job.kind,
          key_id: job.keyId,
          from_version: job.fromVersion,
          to_version: job.toVersion,
          status: job.status,
          cursor: job.cursor,
          total: job.total,
          done: job.done,
          lease_owner: null,
          lease_until: null,
          created_by: job.createdBy,
          created_at: job.createdAt,
          updated_at: job.updatedAt,
          finished_at: null,
          error: null,
        })
        .execute();
    },
    async find(id: string): Promise<KeyJobRow | null> {
      const row = await db.selectFrom('key_jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toJob(row);
    },
    /** The newest jobs first. */
    async list(limit: number): Promise<KeyJobRow[]> {
      const rows = await db
        .selectFrom('key_jobs')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toJob);
    },
    async listRunning(): Promise<KeyJobRow[]> {
      const rows = await db
        .selectFrom('key_jobs')
        .selectAll()
        .where('status', '=', 'running')
        .orderBy('created_at')
        .execute();
      return rows.map(toJob);
    },
    /** The running job of `kind` on `keyId` (null for the master key), if any. */
    async findRunning(kind: KeyJobKind, keyId: string | null): Promise<KeyJobRow | null> {
      let query = db
        .selectFrom('key_jobs')
        .selectAll()
        .where('status', '=', 'running')
        .where('kind', '=', kind);
      query = keyId === null ? query.where('key_id', 'is', null) : query.where('key_id', '=', keyId);
      const row = await query.executeTakeFirst();
      return row === undefined ? null : toJob(row);
    },
    /** Tokens whose values are still sealed under `keyId` below `belowVersion`: they too depend on the old key. */
    async countTokensUnderOldKey(keyId: string, belowVersion: number): Promise<number> {
      const row = await db
        .selectFrom('tokens')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('key_id', '=', keyId)
        .where('key_version', '<', belowVersion)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
