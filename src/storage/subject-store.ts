import { type Kysely, PostgresAdapter } from 'kysely';
import type { Database } from './schema.js';

export interface SubjectRow {
  subjectHash: string;
  keyId: string;
  createdAt: number;
  erasedAt: number | null;
}

export interface ErasureRow {
  id: string;
  subjectHash: string;
  erasedAt: number;
  erasedBy: string | null;
  records: number;
  tokens: number;
}

export function createSubjectStore(db: Kysely<Database>) {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    /**
     * The subject row. Inside a transaction, `lock` serializes writers of the subject's data (`share`) against its
     * erasure (`update`) on PostgreSQL, so a record written concurrently with an erasure is either erased with the
     * rest or refused; SQLite transactions are serialized already.
     */
    async find(subjectHash: string, lock?: 'share' | 'update'): Promise<SubjectRow | null> {
      let query = db.selectFrom('subjects').selectAll().where('subject_hash', '=', subjectHash);
      if (isPostgres && lock === 'share') query = query.forShare();
      if (isPostgres && lock === 'update') query = query.forUpdate();
      const row = await query.executeTakeFirst();
      return row === undefined
        ? null
        : {
            subjectHash: row.subject_hash,
            keyId: row.key_id,
            createdAt: row.created_at,
            erasedAt: row.erased_at,
          };
    },
    /** Inserts the subject unless it exists; true when this call created it. */
    async insert(row: SubjectRow): Promise<boolean> {
      const result = await db
        .insertInto('subjects')
        .values({
          subject_hash: row.subjectHash,
          key_id: row.keyId,
          created_at: row.createdAt,
          erased_at: row.erasedAt,
          erased_by: null,
        })
        .onConflict((oc) => oc.column('subject_hash').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async markErased(subjectHash: string, now: number, by: string | null): Promise<void> {
      await db
        .updateTable('subjects')
        .set({ erased_at: now, erased_by: by })
        .where('subject_hash', '=', subjectHash)
        .where('erased_at', 'is', null)
        .execute();
    },
    /** Deletes every token whose value belongs to the subject; returns how many. */
    async deleteTokens(subjectHash: string): Promise<number> {
      const result = await db.deleteFrom('tokens').where('subject_hash', '=', subjectHash).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async insertErasure(row: ErasureRow): Promise<void> {
      await db
        .insertInto('erasures')
        .values({
          id: row.id,
          subject_hash: row.subjectHash,
          erased_at: row.erasedAt,
          erased_by: row.erasedBy,
          records: row.records,
          tokens: row.tokens,
        })
        .execute();
    },
  };
}

export type SubjectStore = ReturnType<typeof createSubjectStore>;
