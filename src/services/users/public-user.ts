/** What of a user leaves the service: everything but the password hash; and the keyset cursor of user lists. */
import { AppError } from '../../errors.js';
import type { UserAttributes, UserRecord } from '../../storage/index.js';

export interface PublicUser {
  id: string;
  username: string;
  roles: string[];
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  subject: string | null;
  attributes: UserAttributes;
  /** Reset by an administrator and not changed since: the user's sessions may only change the password. */
  mustChangePassword: boolean;
  /** A service account (no password; keys minted by administrators). */
  service: boolean;
}

/** `user` as it leaves the service, with its subject id opened (`subject`: null when none or erased). */
export function toPublicUser(user: UserRecord, subject: string | null): PublicUser {
  const { passwordHash: _omitted, subject: _stored, ...rest } = user;
  return { ...rest, subject };
}

export interface UserCursor {
  createdAt: number;
  id: string;
}

export function encodeUserCursor(cursor: UserCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

/** The cursor of `value`; VALIDATION_FAILED naming `cursor` for anything this service did not hand out. */
export function decodeUserCursor(value: string): UserCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through to the typed error
  }
  throw new AppError('VALIDATION_FAILED', { field: 'cursor', message: 'cursor is not a valid cursor' });
}
