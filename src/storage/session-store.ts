import type { Kysely } from 'kysely';
import { createRefreshTokens } from './refresh-tokens.js';
import type { Database } from './schema.js';
import { createSessionReads } from './session-reads.js';
import { createSessionWrites } from './session-writes.js';

export type { RefreshTokenRecord } from './refresh-tokens.js';
export type { SessionRecord } from './session-reads.js';

export function createSessionStore(db: Kysely<Database>) {
  return { ...createSessionReads(db), ...createSessionWrites(db), ...createRefreshTokens(db) };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
