import type { Selectable } from 'kysely';
import { decodeScalarRecord, decodeStringArray } from './json-column.js';
import type { Database } from './schema.js';

/** Non-secret claims about a user that policy conditions may compare (`$actor.attributes.<name>`). */
export type UserAttributes = Readonly<Record<string, string | number | boolean>>;

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  roles: string[];
  disabled: boolean;
  credentialVersion: number;
  createdAt: number;
  updatedAt: number;
  /** The subject id of the person this user is, as stored: its keyed HMAC and sealed copy; null when not set. */
  subject: StoredSubject | null;
  attributes: UserAttributes;
  /** Set by an administrator's reset: until the user picks a password, a session may only change it. */
  mustChangePassword: boolean;
  /** A service account: no usable password (login always fails), acts only through administrator-minted keys. */
  service: boolean;
}

/** A subject id as the users table holds it: never in clear. */
export interface StoredSubject {
  /** Keyed HMAC (`subject-id/v1`): what `$actor.subject` conditions compare and erasure finds users by. */
  hash: string;
  /** The id sealed under the subject's data key: unreadable once the subject is erased. */
  sealed: string;
}

/** A user to insert: subject and attributes may be left out (none). */
export type NewUserRecord = Omit<UserRecord, 'subject' | 'attributes' | 'mustChangePassword' | 'service'> &
  Partial<Pick<UserRecord, 'subject' | 'attributes' | 'mustChangePassword' | 'service'>>;

type UserRow = Selectable<Database['users']>;

export function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    roles: decodeStringArray('users.roles', row.roles),
    disabled: row.disabled === 1,
    credentialVersion: row.credential_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    subject:
      row.subject_hash === null || row.subject_sealed === null
        ? null
        : { hash: row.subject_hash, sealed: row.subject_sealed },
    attributes: decodeScalarRecord('users.attributes', row.attributes),
    mustChangePassword: row.must_change_password === 1,
    service: row.kind === 'service',
  };
}

/** Case-folded form used for uniqueness and lookups, so `Alice` and `alice` are one account. */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}
