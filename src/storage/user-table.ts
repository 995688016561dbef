/** The users table's row type (see schema.ts for the conventions: milliseconds, 0/1 booleans). */
import type { ColumnType } from 'kysely';

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
  /** Subject id: `subject` clear before 0006, NULL once converted at unseal; then keyed HMAC and sealed copy. */
  subject: string | null;
  subject_hash: string | null;
  subject_sealed: string | null;
  /** JSON object of non-secret scalar claims (e.g. tenant_id) read by policy conditions; '{}' by default. */
  attributes: ColumnType<string, string | undefined, string>;
  /** 1 after an administrator's reset, until the user sets a password of their own (migration 0009). */
  must_change_password: ColumnType<number, number | undefined, number>;
  /** 'user' (a person) or 'service' (a machine account with no usable password; migration 0009). */
  kind: ColumnType<UserKind, UserKind | undefined, UserKind>;
}

export type UserKind = 'user' | 'service';
