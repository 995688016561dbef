/**
 * Records security events (failed logins, refresh-token reuse, credentials exposed over plain HTTP, …).
 * Events carry identifiers only: never a password, token, key or a username that was typed in. A failure to record
 * is logged and does not break the request that triggered it (the full audit trail, with fail-closed semantics,
 * replaces this later).
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { SecurityEvent, SecurityEventStore } from '../storage/index.js';

export type SecurityEventType =
  | 'login_succeeded'
  | 'login_failed'
  | 'refresh_token_reuse'
  | 'logout'
  | 'password_changed'
  | 'api_key_created'
  | 'api_key_revoked'
  | 'user_created'
  | 'user_updated'
  | 'user_deleted'
  | 'credential_exposed_over_http'
  | 'subject_erased'
  | 'key_rotation_started'
  | 'policy_changed';

export type SecurityEventInput = Partial<Omit<SecurityEvent, 'id' | 'occurredAt' | 'type'>>;

export function createSecurityEventRecorder(deps: {
  store: Pick<SecurityEventStore, 'insert'>;
  clock: () => number;
  onError: (error: unknown, type: SecurityEventType) => void;
}) {
  return {
    async record(type: SecurityEventType, input: SecurityEventInput = {}): Promise<void> {
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
    },
  };
}

export type SecurityEventRecorder = ReturnType<typeof createSecurityEventRecorder>;
