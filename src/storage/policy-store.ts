import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type PolicySource = 'default' | 'file' | 'api';

export interface PolicyVersionRow {
  version: number;
  /** The document as stored (JSON text). */
  document: string;
  source: PolicySource;
  createdBy: string | null;
  createdAt: number;
}

export type PolicyVersionSummary = Omit<PolicyVersionRow, 'document'>;

function toRow(row: Database['policies']): PolicyVersionRow {
  return {
    version: row.version,
    document: row.document,
    source: row.source,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** Policy versions: append-only; the highest version is the one in force. */
export function createPolicyStore(db: Kysely<Database>) {
  return {
    /** Inserts a version; fails on the primary key when another writer took the same version first. */
    async insert(row: PolicyVersionRow): Promise<void> {
      await db
        .insertInto('policies')
        .values({
          version: row.version,
          document: row.document,
          source: row.source,
          created_by: row.createdBy,
          created_at: row.createdAt,
        })
        .execute();
    },
    /** The highest version number, or 0 when none is stored: the cheap check other nodes poll. */
    async latestVersion(): Promise<number> {
      const row = await db
        .selectFrom('policies')
        .select((eb) => eb.fn.max('version').as('v'))
        .executeTakeFirst();
      return row?.v == null ? 0 : Number(row.v);
    },
    async latest(): Promise<PolicyVersionRow | null> {
      const row = await db
        .selectFrom('policies')
        .selectAll()
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? null : toRow(row);
    },
    /** Stored version `version`, or null. */
    async find(version: number): Promise<PolicyVersionRow | null> {
      const row = await db
        .selectFrom('policies')
        .selectAll()
        .where('version', '=', version)
        .executeTakeFirst();
      return row === undefined ? null : toRow(row);
    },
    /** Versions below `before` (all when null), newest first, without their documents. */
    async list(options: { before: number | null; limit: number }): Promise<PolicyVersionSummary[]> {
      let query = db.selectFrom('policies').select(['version', 'source', 'created_by', 'created_at']);
      if (options.before !== null) query = query.where('version', '<', options.before);
      const rows = await query.orderBy('version', 'desc').limit(options.limit).execute();
      return rows.map((r) => ({
        version: r.version,
        source: r.source,
        createdBy: r.created_by,
        createdAt: r.created_at,
      }));
    },
  };
}

export type PolicyStore = ReturnType<typeof createPolicyStore>;
