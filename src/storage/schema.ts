/**
 * Row types shared by every storage adapter. Timestamps are milliseconds since the epoch; booleans are 0/1 so the
 * same migrations run on SQLite and PostgreSQL. No column holds a plaintext password, token or key: credentials are
 * stored as argon2id/bcrypt hashes (passwords) or SHA-256 (high-entropy tokens), signing keys wrapped by the master key.
 */
import type { UsersTable } from './user-table.js';

export type { UserKind, UsersTable } from './user-table.js';

export interface SessionsTable {
  id: string;
  user_id: string;
  /** The user's credential version when the password was checked for this session. */
  credential_version: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  key_hash: string;
  /** The session that minted the key: revoking that session for a security reason revokes the key too. */
  session_id: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  revoked_reason: string | null;
  /** JSON array: the key acts with these of its user's roles only (intersected at use time); NULL = all. */
  roles: string | null;
}

export interface SigningKeysTable {
  kid: string;
  public_jwk: string;
  /** PKCS#8 DER sealed with the master key (AES-256-GCM, AAD = kid). */
  private_key_sealed: string;
  created_at: number;
  retired_at: number | null;
}

export interface SecurityEventsTable {
  id: string;
  occurred_at: number;
  type: string;
  user_id: string | null;
  session_id: string | null;
  api_key_id: string | null;
  client_address: string | null;
  /** JSON of identifiers only; never a credential or a submitted value. */
  detail: string;
}

export interface MasterKeysTable {
  version: number;
  /** The master key sealed with the root key (aead.ts, AAD binds the version); '' once retired. */
  wrapped: string;
  created_at: number;
  retired_at: number | null;
}

export type DataKeyPurpose = 'collection' | 'subject' | 'index' | 'token';

export interface DataKeysTable {
  key_id: string;
  version: number;
  purpose: DataKeyPurpose;
  /** The data key wrapped by master key `master_version`; '' once retired or destroyed. */
  wrapped: string;
  master_version: number;
  created_at: number;
  retired_at: number | null;
  destroyed_at: number | null;
  scheme: number;
}

export interface CollectionsTable {
  id: string;
  name: string;
  /** JSON array of field definitions. */
  fields: string;
  key_id: string;
  index_key_id: string;
  created_by: string | null;
  created_at: number;
}

export interface SubjectsTable {
  /** Keyed HMAC of the application's subject id: the id itself is never stored in clear. */
  subject_hash: string;
  key_id: string;
  created_at: number;
  erased_at: number | null;
  erased_by: string | null;
}

export interface RecordsTable {
  id: string;
  collection_id: string;
  subject_hash: string | null;
  /** The subject id encrypted under the record's data key (field `$subject`). */
  subject_sealed: string | null;
  key_id: string;
  key_version: number;
  /** JSON object of non-sensitive normalized values. */
  plain_fields: string;
  /** JSON object of `sr1:` ciphertexts. */
  sealed_fields: string;
  /** Bumped on every change, so a background re-encryption never overwrites a newer write. */
  revision: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  erased_at: number | null;
}

export interface RecordAttributesTable {
  record_id: string;
  collection_id: string;
  field: string;
  /** Canonical JSON of the normalized non-sensitive value. */
  value: string;
}

export interface BlindIndexesTable {
  record_id: string;
  collection_id: string;
  field: string;
  index_version: number;
  value: string;
}

export interface TokensTable {
  id: string;
  /** SHA-256 of the token: the token itself is what callers hold, not what we keep. */
  token_hash: string;
  kind: string;
  type: string;
  key_id: string;
  key_version: number;
  sealed_value: string;
  subject_hash: string | null;
  collection_id: string | null;
  record_id: string | null;
  field: string | null;
  created_by: string | null;
  created_at: number;
}

export interface KeyJobsTable {
  id: string;
  kind: string;
  key_id: string | null;
  from_version: number;
  to_version: number;
  status: string;
  /** The last record (or key) id finished, committed with the batch that finished it. */
  cursor: string | null;
  total: number;
  done: number;
  lease_owner: string | null;
  lease_until: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  error: string | null;
}

export interface ErasuresTable {
  id: string;
  subject_hash: string;
  erased_at: number;
  erased_by: string | null;
  records: number;
  tokens: number;
}

export interface AuditEventsTable {
  seq: number;
  /** RFC 3339, as hashed. */
  time: string;
  /** `time` in milliseconds since the epoch, for range queries and retention. */
  occurred_at: number;
  actor: string | null;
  action: string;
  /** Canonical JSON of the event's resource (identifiers only). */
  resource: string;
  /** Copies of resource.collection / resource.recordId, for filtering. */
  collection: string | null;
  record_id: string | null;
  purpose: string | null;
  outcome: string;
  request_id: string | null;
  client_address: string | null;
  prev_hash: string;
  hash: string;
  /** Canonical JSON of reason, release; the subject HMAC (null: none). */
  reason: string | null;
  release: string | null;
  subject: string | null;
  /** The acting person's subject HMAC, same form as `subject` (null: none, or written before 0011). */
  actor_subject: string | null;
}

export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** The last event removed by retention (0 / GENESIS before any pruning): where verification resumes. */
  anchor_seq: number;
  anchor_hash: string;
}

export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  time: string;
  kid: string;
  signature: string;
  created_at: number;
}

export interface AuditSigningKeysTable {
  kid: string;
  public_jwk: string;
  /** PKCS#8 DER sealed with the root key (AES-256-GCM, AAD binds the kid). */
  private_key_sealed: string;
  created_at: number;
  retired_at: number | null;
}

export interface PoliciesTable {
  version: number;
  /** The policy document as JSON (policy/compile-policy.ts). */
  document: string;
  source: 'default' | 'file' | 'api';
  created_by: string | null;
  created_at: number;
}

/** A key derived from an earlier root key that must outlive it, sealed with the current root key (AAD: label). */
export interface RootDerivationsTable {
  label: string;
  sealed: string;
  created_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  api_keys: ApiKeysTable;
  signing_keys: SigningKeysTable;
  security_events: SecurityEventsTable;
  master_keys: MasterKeysTable;
  data_keys: DataKeysTable;
  collections: CollectionsTable;
  subjects: SubjectsTable;
  records: RecordsTable;
  record_attributes: RecordAttributesTable;
  blind_indexes: BlindIndexesTable;
  tokens: TokensTable;
  key_jobs: KeyJobsTable;
  erasures: ErasuresTable;
  policies: PoliciesTable;
  audit_events: AuditEventsTable;
  audit_chain_head: AuditChainHeadTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_signing_keys: AuditSigningKeysTable;
  root_derivations: RootDerivationsTable;
}
