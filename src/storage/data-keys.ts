import type { Kysely } from 'kysely';
import type { Database, DataKeyPurpose } from './schema.js';

export interface DataKeyRow {
  keyId: string;
  version: number;
  purpose: DataKeyPurpose;
  wrapped: string;
  masterVersion: number;
  createdAt: number;
  retiredAt: number | null;
  destroyedAt: number | null;
  /** The rules this version was made under: 1 legacy, 2 current (migrations/0007-key-lineage.ts). */
  scheme: number;
}

function toDataKey(row: Database['data_keys']): DataKeyRow {
  return {
    keyId: row.key_id,
    version: row.version,
    purpose: row.purpose,
    wrapped: row.wrapped,
    masterVersion: row.master_version,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    destroyedAt: row.destroyed_at,
    scheme: row.scheme,
  };
}

/** Data keys, wrapped by a master key; retiring or destroying one empties `wrapped` in the same statement. */
export function createDataKeys(db: Kysely<Database>) {
  return {
    async insertDataKey(row: DataKeyRow): Promise<void> {
      await db
        .insertInto('data_keys')
        .values({
          key_id: row.keyId,
          version: row.version,
          purpose: row.purpose,
          wrapped: row.wrapped,
          master_version: row.masterVersion,
          created_at: row.createdAt,
          retired_at: null,
          destroyed_at: null,
          scheme: row.scheme,
        })
        .execute();
    },
    async findDataKey(keyId: string, version: number): Promise<DataKeyRow | null> {
      const row = await db
        .selectFrom('data_keys')
        .selectAll()
        .where('key_id', '=', keyId)
        .where('version', '=', version)
        .executeTakeFirst();
      return row === undefined ? null : toDataKey(row);
    },
    /** Versions still usable for decryption (not retired or destroyed), newest first. */
    async liveVersions(keyId: string): Promise<DataKeyRow[]> {
      const rows = await db
        .selectFrom('data_keys')
        .selectAll()
        .where('key_id', '=', keyId)
        .where('retired_at', 'is', null)
        .where('destroyed_at', 'is', null)
        .orderBy('version', 'desc')
        .execute();
      return rows.map(toDataKey);
    },
    async newestVersion(keyId: string): Promise<number | null> {
      const row = await db
        .selectFrom('data_keys')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('key_id', '=', keyId)
        .executeTakeFirst();
      return row?.version ?? null;
    },
    async rewrapDataKey(
      keyId: string,
      version: number,
      wrapped: string,
      masterVersion: number,
    ): Promise<void> {
      await db
        .updateTable('data_keys')
        .set({ wrapped, master_version: masterVersion })
        .where('key_id', '=', keyId)
        .where('version', '=', version)
        .where('destroyed_at', 'is', null)
        .where('retired_at', 'is', null)
        .execute();
    },
    /** Up to `limit` data keys still wrapped by a master version older than `masterVersion` (rewrapping shrinks the set). */
    async listWrappedBelow(masterVersion: number, limit: number): Promise<DataKeyRow[]> {
      const rows = await db
        .selectFrom('data_keys')
        .selectAll()
        .where('master_version', '<', masterVersion)
        .where('wrapped', '!=', '')
        .orderBy('key_id')
        .orderBy('version')
        .limit(limit)
        .execute();
      return rows.map(toDataKey);
    },
    async countWrappedBelow(masterVersion: number): Promise<number> {
      const row = await db
        .selectFrom('data_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('master_version', '<', masterVersion)
        .where('wrapped', '!=', '')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async retireDataKey(keyId: string, version: number, now: number): Promise<void> {
      await db
        .updateTable('data_keys')
        .set({ retired_at: now, wrapped: '' })
        .where('key_id', '=', keyId)
        .where('version', '=', version)
        .execute();
    },
    /** Destroys every version of `keyId` (crypto-shredding): the wrapped key material is overwritten. */
    async destroyDataKey(keyId: string, now: number): Promise<void> {
      await db
        .updateTable('data_keys')
        .set({ destroyed_at: now, wrapped: '' })
        .where('key_id', '=', keyId)
        .execute();
    },
  };
}
