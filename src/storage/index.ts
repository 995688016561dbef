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
export {
  decodeFieldList,
  decodePublicJwk,
  decodeScalarRecord,
  decodeStringRecord,
} from './json-column.js';
export type {
  KeyJobKind,
  KeyJobProgress,
  KeyJobRow,
  KeyJobStatus,
  KeyJobStore,
} from './key-job-store.js';
export type { DataKeyRow, KeyStore, MasterKeyRow } from './key-store.js';
export { MIGRATION_NAMES, migrateToLatest } from './migrate.js';
export {
  createPersistence,
  type Persistence,
  type RolledBack,
  rollBack,
  type Transactor,
} from './persistence.js';
export type { PolicySource, PolicyStore, PolicyVersionRow, PolicyVersionSummary } from './policy-store.js';
export {
  type CountedIds,
  createPostureStore,
  type PostureStore,
  type PostureUserRow,
} from './posture-store.js';
export type {
  AttributeFilter,
  IndexFilter,
  RecordCondition,
  RecordQueryStore,
  RecordWindow,
} from './record-query-store.js';
export type { AttributeRow, BlindIndexRow, RecordChange, RecordRow, RecordStore } from './record-store.js';
export {
  createRootSealedStore,
  type RootSealedKind,
  type RootSealedStore,
  type RootSealedValue,
} from './root-sealed.js';
export type { Database, DataKeyPurpose } from './schema.js';
export type { SecurityEvent, SecurityEventStore } from './security-event-store.js';
export { createPgInvalidationChannel, notificationChannelOf } from './session-notifications.js';
export type { RefreshTokenRecord, SessionRecord, SessionStore } from './session-store.js';
export type { SigningKeyRecord, SigningKeyStore } from './signing-key-store.js';
export {
  isSqliteIntact,
  readSnapshotFacts,
  type SnapshotFacts,
  settleSqliteFile,
  snapshotSqlite,
} from './sqlite-snapshot.js';
export { createStores, type Stores } from './stores.js';
export type { ErasureRow, SubjectRow, SubjectStore } from './subject-store.js';
export type { TokenKind, TokenOrigin, TokenRow, TokenStore } from './token-store.js';
export { isDatabaseUnavailable } from './unavailable.js';
export {
  type NewUserRecord,
  type StoredSubject,
  type UserAttributes,
  type UserRecord,
  type UserStore,
  usernameKey,
} from './user-store.js';
export type { VacuumTable } from './vacuum.js';
export { backoffDelay, databaseTarget, waitForDatabase } from './wait-for-database.js';
