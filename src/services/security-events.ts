/**
 * Records security events (failed logins, refresh-token reuse, credentials exposed over plain HTTP, …) in the
 * `security_events` table and, as audit events, in the audit trail.
 * Invariants:
 * - events carry identifiers only: never a password, token, key or a username that was typed in. A username that
 *   matched no account reaches the audit trail only as `hmacIdentifier(usernameKey(username))` (its actor) and is
 *   never stored in `security_events` nor logged;
 * - the audit actor is `user:<userId>` when the user is known (the account a login was for, the admin who acted),
 *   else that HMAC, else null; `actorSubjectHash` (that user's subject HMAC as the users row holds it at the time
 *   of the event) becomes the event's `actorSubject` in its `hmac:` form, never the subject id itself;
 * - best effort on both sides: a failure to write either is reported through `onError` / `onAuditError` and never
 *   reaches the caller, so login keeps working while the audit trail is down (the trail itself logs that it is
 *   unavailable and marks itself unready);
 * - refusals by the login throttle are audit events only (`rateLimited`), never `security_events` rows: that table
 *   has no retention and no batching, and an attacker controls how many refusals there are.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { AuditOutcome } from '../audit/index.js';
import { type SecurityEvent, type SecurityEventStore, usernameKey } from '../storage/index.js';
import { type AuditAction, type AuditInput, type AuditTrail, auditSubjectOf } from './audit/index.js';

export type SecurityEventType =
  | 'login_succeeded'
  | 'login_failed'
  | 'refresh_token_reuse'
  | 'logout'
  | 'password_changed'
  | 'password_reset'
  | 'api_key_created'
  | 'api_key_revoked'
  | 'user_created'
  | 'user_updated'
  | 'user_deleted'
  | 'credential_exposed_over_http'
  | 'subject_erased'
  | 'key_rotation_started'
  | 'policy_changed';

/** The audit action and outcome each security event is recorded as. */
export const SECURITY_EVENT_AUDIT: Readonly<
  Record<SecurityEventType, { action: AuditAction; outcome: AuditOutcome }>
> = {
  login_succeeded: { action: 'auth.login', outcome: 'allowed' },
  login_failed: { action: 'auth.login', outcome: 'denied' },
  refresh_token_reuse: { action: 'auth.refresh_reuse', outcome: 'denied' },
  logout: { action: 'auth.logout', outcome: 'allowed' },
  password_changed: { action: 'auth.password_change', outcome: 'allowed' },
  password_reset: { action: 'user.password_reset', outcome: 'allowed' },
  api_key_created: { action: 'api_key.create', outcome: 'allowed' },
  api_key_revoked: { action: 'api_key.revoke', outcome: 'allowed' },
  user_created: { action: 'user.create', outcome: 'allowed' },
  user_updated: { action: 'user.update', outcome: 'allowed' },
  user_deleted: { action: 'user.delete', outcome: 'allowed' },
  // The request was refused and the credential revoked.
  credential_exposed_over_http: { action: 'auth.credential_exposed', outcome: 'denied' },
  subject_erased: { action: 'subject.erase', outcome: 'allowed' },
  key_rotation_started: { action: 'key.rotate', outcome: 'allowed' },
  policy_changed: { action: 'policy.update', outcome: 'allowed' },
};

/** The reason code each refused security event is recorded with (the error code the client was answered). */
const REFUSAL_REASONS: Partial<Record<SecurityEventType, string>> = {
  login_failed: 'INVALID_CREDENTIALS',
  refresh_token_reuse: 'INVALID_REFRESH_TOKEN',
  credential_exposed_over_http: 'HTTPS_REQUIRED',
};

export type SecurityEventInput = Partial<Omit<SecurityEvent, 'id' | 'occurredAt' | 'type'>> & {
  /** Audit trail only: the request the event belongs to. */
  requestId?: string;
  /**
   * Audit trail only, for an attempt on a username that matched no account (and no `userId`): the actor becomes
   * its HMAC. Never stored in `security_events`, never logged.
   */
  unknownUsername?: string;
  /** Audit trail only: the acting user's `subject-id/v1` HMAC (base64url, as the users row holds it), if any. */
  actorSubjectHash?: string | null;
};

/** The request an event was made for: its address, request id and session, leaving out the ones not known. */
export function requestFieldsOf(
  by: { clientAddress?: string; requestId?: string; sessionId?: string } | undefined,
): Pick<SecurityEventInput, 'clientAddress' | 'requestId' | 'sessionId'> {
  return {
    ...(by?.clientAddress === undefined ? {} : { clientAddress: by.clientAddress }),
    ...(by?.requestId === undefined ? {} : { requestId: by.requestId }),
    ...(by?.sessionId === undefined ? {} : { sessionId: by.sessionId }),
  };
}

/** A login attempt the throttle refused before any password check. */
export interface RateLimitedInput {
  action: Extract<AuditAction, 'auth.login' | 'auth.lockout'>;
  /** The account's id when the username names one … */
  userId?: string | null;
  /** … else the username as typed (audit actor: its HMAC). */
  unknownUsername?: string;
  /** The account's subject HMAC (base64url), when it has one. */
  actorSubjectHash?: string | null;
  clientAddress?: string | null;
  requestId?: string;
}

type AuditSink = Pick<AuditTrail, 'record' | 'hmacIdentifier'>;

/** The acting person as an optional audit field, from the users row's subject HMAC. */
function actorSubjectOf(subjectHash: string | null | undefined): Pick<AuditInput, 'actorSubject'> {
  return subjectHash == null ? {} : { actorSubject: auditSubjectOf(subjectHash) };
}

/** What an event is about, as an audit resource: the API key, the target user, the policy version or the session. */
function auditResource(input: SecurityEventInput): NonNullable<AuditInput['resource']> {
  const target = input.detail?.target;
  const version = input.detail?.version;
  const recordId =
    input.apiKeyId ??
    (typeof target === 'string' ? target : undefined) ??
    (typeof version === 'number' ? `v${version}` : undefined) ??
    input.sessionId ??
    undefined;
  return recordId == null ? {} : { recordId };
}

export function createSecurityEventRecorder(deps: {
  store: Pick<SecurityEventStore, 'insert'>;
  audit: AuditSink;
  clock: () => number;
  onError: (error: unknown, type: SecurityEventType) => void;
  /** A failure to write an event to the audit trail (the trail itself reports it is unavailable, once). */
  onAuditError: (error: unknown, action: AuditAction) => void;
}) {
  function actorOf(userId: string | null | undefined, unknownUsername: string | undefined): string | null {
    if (userId != null) return `user:${userId}`;
    if (unknownUsername !== undefined) return deps.audit.hmacIdentifier(usernameKey(unknownUsername));
    return null;
  }

  /** Writes one audit event, best effort; never rejects. */
  async function toTrail(
    action: AuditAction,
    build: () => Omit<AuditInput, 'action' | 'clientAddress'>,
    clientAddress: string | null | undefined,
  ): Promise<void> {
    try {
      await deps.audit.record({
        ...build(),
        action,
        ...(clientAddress == null ? {} : { clientAddress }),
      });
    } catch (error) {
      deps.onAuditError(error, action);
    }
  }

  async function toTable(type: SecurityEventType, input: SecurityEventInput): Promise<void> {
    try {
      await deps.store.insert({
        id: randomUUID(),
        occurredAt: deps.clock(),
        type,
        userId: input.userId ?? null,
        sessionId: input.sessionId ?? null,
        apiKeyId: input.apiKeyId ?? null,
        // Behind a trusted proxy the address comes from a header: keep only what is really an IP address.
        clientAddress:
          input.clientAddress == null ? null : isIP(input.clientAddress) ? input.clientAddress : 'invalid',
        detail: input.detail ?? {},
      });
    } catch (error) {
      deps.onError(error, type);
    }
  }

  return {
    /** Records `type` in `security_events` and in the audit trail; never rejects. */
    async record(type: SecurityEventType, input: SecurityEventInput = {}): Promise<void> {
      const { action, outcome } = SECURITY_EVENT_AUDIT[type];
      const reason = REFUSAL_REASONS[type];
      await Promise.all([
        toTable(type, input),
        toTrail(
          action,
          () => ({
            actor: actorOf(input.userId, input.unknownUsername),
            ...actorSubjectOf(input.actorSubjectHash),
            resource: auditResource(input),
            outcome,
            ...(reason === undefined ? {} : { reason: { code: reason } }),
            ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
          }),
          input.clientAddress,
        ),
      ]);
    },

    /** Records a login attempt refused by the throttle: an audit event (`rate_limited`) only; never rejects. */
    async rateLimited(input: RateLimitedInput): Promise<void> {
      await toTrail(
        input.action,
        () => ({
          actor: actorOf(input.userId, input.unknownUsername),
          ...actorSubjectOf(input.actorSubjectHash),
          outcome: 'rate_limited',
          reason: { code: 'TOO_MANY_ATTEMPTS' },
          ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
        }),
        input.clientAddress,
      );
    },
  };
}

export type SecurityEventRecorder = ReturnType<typeof createSecurityEventRecorder>;
