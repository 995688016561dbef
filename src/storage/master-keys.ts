import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface MasterKeyRow {
  version: number;
  wrapped: string;
  createdAt: number;
  retiredAt: number | null;
}

/** Master key versions, wrapped; retiring one empties `wrapped` in the same statement. */
export function createMasterKeys(db: Kysely<Database>) {
  return {
    async listMasterKeys(): Promise<MasterKeyRow[]> {
      const rows = await db.selectFrom('master_keys').selectAll().orderBy('version', 'asc').execute();
      return rows.map((r) => ({
        version: r.version,
        wrapped: r.wrapped,
        createdAt: r.created_at,
        retiredAt: r.retired_at,
      }));
    },
    /** Inserts a master key version; false when that version already exists (another node made it). */
    async insertMasterKey(row: MasterKeyRow): Promise<boolean> {
      const result = await db
        .insertInto('master_keys')
        .values({ version: row.version, wrapped: row.wrapped, created_at: row.createdAt, retired_at: null })
        .onConflict((oc) => oc.column('version').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async retireMasterKey(version: number, now: number): Promise<void> {
      await db
        .updateTable('master_keys')
        .set({ retired_at: now, wrapped: '' })
        .where('version', '=', version)
        .execute();
    },
  };
}
