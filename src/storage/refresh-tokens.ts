import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface RefreshTokenRecord {
  tokenHash: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export function createRefreshTokens(db: Kysely<Database>) {
  return {
    async insertRefreshToken(token: RefreshTokenRecord): Promise<void> {
      await db
        .insertInto('refresh_tokens')
        .values({
          token_hash: token.tokenHash,
          session_id: token.sessionId,
          created_at: token.createdAt,
          expires_at: token.expiresAt,
          used_at: token.usedAt,
        })
        .execute();
    },
    async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null> {
      const row = await db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row === undefined
        ? null
        : {
            tokenHash: row.token_hash,
            sessionId: row.session_id,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
            usedAt: row.used_at,
          };
    },
    /** Marks a refresh token used; false when it was already used (a concurrent or replayed use). */
    async consumeRefreshToken(tokenHash: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
