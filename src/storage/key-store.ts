import type { Kysely } from 'kysely';
import { createDataKeys } from './data-keys.js';
import { createMasterKeys } from './master-keys.js';
import type { Database } from './schema.js';

export type { DataKeyRow } from './data-keys.js';
export type { MasterKeyRow } from './master-keys.js';

/** Master key versions and data keys, wrapped. Retiring or destroying empties `wrapped` in the same statement. */
export function createKeyStore(db: Kysely<Database>) {
  return { ...createMasterKeys(db), ...createDataKeys(db) };
}

export type KeyStore = ReturnType<typeof createKeyStore>;
