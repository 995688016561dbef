/** What the user service's parts share: their dependencies, who asked for a change, and the role checks. */
import { AppError } from '../../errors.js';
import type { Transactor, UserStore } from '../../storage/index.js';
import type { Administration } from '../authorizer.js';
import type { RevocationPublisher } from '../revocations.js';
import { requestFieldsOf, type SecurityEventRecorder } from '../security-events.js';
import type { UserSubjects } from './user-subject.js';

/** The role an account gets when none is given; accepted even when the policy does not define it. */
export const DEFAULT_ROLE = 'user';

/** Who asked for a change, for its security event. */
export interface ChangeContext {
  userId: string;
  clientAddress?: string;
  requestId?: string;
  sessionId?: string;
}

export interface ChangeOptions {
  /** From an interactive session (not an API key): needed to change accounts that manage users. */
  bySession: boolean;
  /** The caller's right to handle an account holding (or being given) these roles; throws otherwise. */
  mayHandleRoles?: (roles: readonly string[]) => void;
  by?: ChangeContext;
}

export interface UserServiceDeps {
  transactor: Transactor;
  users: UserStore;
  /** The roles the policy in force defines. */
  definedRoles: () => ReadonlySet<string>;
  hasher: { hash(password: string): Promise<string> };
  /** The password policy; `actorId` is the user whose failed checks are throttled (none: not throttled). */
  policy: {
    check(password: string, context?: { username?: string; field?: string; actorId?: string }): Promise<void>;
  };
  isImportableHash: (value: string) => boolean;
  /** Who administers under the policy in force (authorizer.administration). */
  administration: () => Administration;
  events: Pick<SecurityEventRecorder, 'record'>;
  /**
   * After any change to a user's row commits (password, roles, disabled, subject, attributes, deletion):
   * `revocations.publish({ userIds: [id] })`, so no node answers from what it cached of the user (services/revocations.ts).
   */
  revocations: RevocationPublisher;
  /** Subject ids: stored as HMAC and sealed copy, opened for output. */
  subjects: Pick<UserSubjects, 'seal' | 'open'>;
  clock: () => number;
}

/** Throws VALIDATION_FAILED naming `roles.<i>` for a role the policy does not define (DEFAULT_ROLE aside). */
export function assertKnownRoles(roles: readonly string[] | undefined, defined: ReadonlySet<string>): void {
  roles?.forEach((role, i) => {
    if (role !== DEFAULT_ROLE && !defined.has(role)) {
      throw new AppError('VALIDATION_FAILED', {
        field: `roles.${i}`,
        message: `roles.${i} is not a role the current policy defines`,
      });
    }
  });
}

/** Records an account change made for a request (`by`); a change with no requester records nothing. */
export async function recordAccountChange(
  deps: Pick<UserServiceDeps, 'events'>,
  type: 'user_created' | 'user_updated' | 'user_deleted',
  by: ChangeContext | undefined,
  target: string,
): Promise<void> {
  if (by === undefined) return;
  await deps.events.record(type, {
    userId: by.userId,
    ...requestFieldsOf(by),
    detail: { target },
  });
}
