import type { Kysely } from 'kysely';
import { createApiKeyStore } from './api-key-store.js';
import { createCollectionStore } from './collection-store.js';
import { createKeyJobStore } from './key-job-store.js';
import { createKeyStore } from './key-store.js';
import { createPolicyStore } from './policy-store.js';
import { createRecordQueryStore } from './record-query-store.js';
import { createRecordStore } from './record-store.js';
import type { Database } from './schema.js';
import { createSecurityEventStore } from './security-event-store.js';
import { createSessionStore } from './session-store.js';
import { createSigningKeyStore } from './signing-key-store.js';
import { createSubjectStore } from './subject-store.js';
import { createTokenStore } from './token-store.js';
import { createUserStore } from './user-store.js';

export type { ApiKeyRecord, ApiKeyStore } from './api-key-store.js';
export {
  type AuditCheckpointRow,
  type AuditEventFilter,
  type AuditEventRow,
  type AuditHead,
  type AuditSigningKeyRow,
  type AuditStore,
  createAuditStore,
} from './audit-store.js';
export type { CollectionRow, CollectionStore } from './collection-store.js';
export { type DatabaseHandle, type DatabaseKind, type DatabaseOptions, openDatabase } from './database.js';
export type {
  KeyJobKind,
  KeyJobProgress,
  KeyJobRow,
  KeyJobStatus,
  KeyJobStore,
} from './key-job-store.js';
export type { DataKeyRow, KeyStore, MasterKeyRow } from './key-store.js';
export { migrateToLatest } from './migrate.js';
export type { PolicySource, PolicyStore, PolicyVersionRow, PolicyVersionSummary } from './policy-store.js';
export type { AttributeFilter, IndexFilter, RecordQueryStore } from './record-query-store.js';
export type { AttributeRow, BlindIndexRow, RecordChange, RecordRow, RecordStore } from './record-store.js';
export type { Database, DataKeyPurpose } from './schema.js';
export type { SecurityEvent, SecurityEventStore } from './security-event-store.js';
export type { RefreshTokenRecord, SessionRecord, SessionStore } from './session-store.js';
export type { SigningKeyRecord, SigningKeyStore } from './signing-key-store.js';
export type { ErasureRow, SubjectRow, SubjectStore } from './subject-store.js';
export type { TokenKind, TokenOrigin, TokenRow, TokenStore } from './token-store.js';
export {
  type NewUserRecord,
  type UserAttributes,
  type UserRecord,
  type UserStore,
  usernameKey,
} from './user-store.js';

/** Every store bound to one connection or transaction. */
export function createStores(db: Kysely<Database>) {
  return {
    users: createUserStore(db),
    sessions: createSessionStore(db),
    apiKeys: createApiKeyStore(db),
    signingKeys: createSigningKeyStore(db),
    securityEvents: createSecurityEventStore(db),
    keys: createKeyStore(db),
    policies: createPolicyStore(db),
    keyJobs: createKeyJobStore(db),
    collections: createCollectionStore(db),
    records: createRecordStore(db),
    recordQueries: createRecordQueryStore(db),
    subjects: createSubjectStore(db),
    tokens: createTokenStore(db),
  };
}

export type Stores = ReturnType<typeof createStores>;

/** Runs `work` in one transaction with stores bound to it: all of its writes commit together or none do. */
export function inTransaction<T>(db: Kysely<Database>, work: (stores: Stores) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => work(createStores(trx)));
}
