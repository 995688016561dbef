import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Finding and erasing the records of a data subject. */
export function createRecordErasure(db: Kysely<Database>) {
  /** Ids of the live records of a subject. */
  async function idsOfSubject(subjectHash: string): Promise<string[]> {
    const rows = await db
      .selectFrom('records')
      .select('id')
      .where('subject_hash', '=', subjectHash)
      .where('erased_at', 'is', null)
      .execute();
    return rows.map((r) => r.id);
  }

  return {
    idsOfSubject,
    /**
     * Erases a subject's records in place: values, attributes and indexes go; the row stays as a tombstone so
     * the application learns (410) that the record was erased rather than never existed.
     */
    async eraseSubject(subjectHash: string, now: number): Promise<number> {
      const ids = await idsOfSubject(subjectHash);
      const result = await db
        .updateTable('records')
        .set({
          plain_fields: '{}',
          sealed_fields: '{}',
          subject_sealed: null,
          erased_at: now,
          updated_at: now,
        })
        .where('subject_hash', '=', subjectHash)
        .where('erased_at', 'is', null)
        .executeTakeFirst();
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        await db.deleteFrom('record_attributes').where('record_id', 'in', chunk).execute();
        await db.deleteFrom('blind_indexes').where('record_id', 'in', chunk).execute();
      }
      return Number(result.numUpdatedRows);
    },
  };
}
