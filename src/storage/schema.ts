/**
 * Row types shared by every storage adapter. Timestamps are milliseconds since the epoch; booleans are 0/1 so the
 * same migrations run on SQLite and PostgreSQL. No column holds a plaintext password, token or key: credentials are
 * stored as argon2id/bcrypt hashes (passwords) or SHA-256 (high-entropy tokens), signing keys wrapped by the master key.
 */
export interface UsersTable {
  id: string;
  username: string;
  /** Case-folded username: uniqueness and lookup key. */
  username_key: string;
  password_hash: string;
  roles: string;
  disabled: number;
  /** Bumped on every password change; a session is valid only while it carries the current version. */
  credential_version: number;
  created_at: number;
  updated_at: number;
}

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

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  api_keys: ApiKeysTable;
  signing_keys: SigningKeysTable;
  security_events: SecurityEventsTable;
}
