/**
 * Rows behind tokens (`tokens` table): the token's SHA-256 (never the token), its kind and field type, the value
 * sealed under a data key, and where the value came from (subject, record, field) so that erasing the subject or
 * deleting the record deletes the token with it. A deterministic or format-preserving token may have several rows
 * (one per creator, subject or source record); a random token has exactly one.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type TokenKind = 'random' | 'deterministic' | 'format_preserving';

export interface TokenRow {
  id: string;
  tokenHash: string;
  kind: TokenKind;
  type: string;
  keyId: string;
  keyVersion: number;
  /** `sr1:` ciphertext of the JSON-encoded value. */
  sealedValue: string;
  subjectHash: string | null;
  collectionId: string | null;
  recordId: string | null;
  field: string | null;
  createdBy: string | null;
  createdAt: number;
}

/** What makes two rows of one token interchangeable: same creator and same source. */
export type TokenOrigin = Pick<
  TokenRow,
  'tokenHash' | 'kind' | 'type' | 'subjectHash' | 'collectionId' | 'recordId' | 'field' | 'createdBy'
>;

function toRow(r: Database['tokens']): TokenRow {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    kind: r.kind as TokenKind,
    type: r.type,
    keyId: r.key_id,
    keyVersion: r.key_version,
    sealedValue: r.sealed_value,
    subjectHash: r.subject_hash,
    collectionId: r.collection_id,
    recordId: r.record_id,
    field: r.field,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

export function createTokenStore(db: Kysely<Database>) {
  return {
    async insert(row: TokenRow): Promise<void> {
      await db
        .insertInto('tokens')
        .values({
          id: row.id,
          token_hash: row.tokenHash,
          kind: row.kind,
          type: row.type,
          key_id: row.keyId,
          key_version: row.keyVersion,
          sealed_value: row.sealedValue,
          subject_hash: row.subjectHash,
          collection_id: row.collectionId,
          record_id: row.recordId,
          field: row.field,
          created_by: row.createdBy,
          created_at: row.createdAt,
        })
        .execute();
    },
    /** Up to `limit` rows of a token, oldest first; only those created by `createdBy` unless it is null (any). */
    async find(tokenHash: string, createdBy: string | null, limit: number): Promise<TokenRow[]> {
      let query = db.selectFrom('tokens').selectAll().where('token_hash', '=', tokenHash);
      if (createdBy !== null) query = query.where('created_by', '=', createdBy);
      const rows = await query.orderBy('created_at').orderBy('id').limit(limit).execute();
      return rows.map(toRow);
    },
    /** A row with exactly this origin, if one exists (so repeating a deterministic request adds no row). */
    async findSame(origin: TokenOrigin): Promise<TokenRow | null> {
      const is = <T>(value: T | null) => (value === null ? ('is' as const) : ('=' as const));
      const row = await db
        .selectFrom('tokens')
        .selectAll()
        .where('token_hash', '=', origin.tokenHash)
        .where('kind', '=', origin.kind)
        .where('type', '=', origin.type)
        .where('subject_hash', is(origin.subjectHash), origin.subjectHash)
        .where('collection_id', is(origin.collectionId), origin.collectionId)
        .where('record_id', is(origin.recordId), origin.recordId)
        .where('field', is(origin.field), origin.field)
        .where('created_by', is(origin.createdBy), origin.createdBy)
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? null : toRow(row);
    },
    /** Deletes the token rows with these ids; returns how many. */
    async deleteRows(ids: readonly string[]): Promise<number> {
      if (ids.length === 0) return 0;
      const result = await db.deleteFrom('tokens').where('id', 'in', ids).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
