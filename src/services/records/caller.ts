/**
 * Who performs a record or token operation: the authenticated actor, the stated purpose and the request's audit
 * identity. A Caller is built by authentication (or by `systemCaller` outside any request), never from a body.
 */
import type { Actor } from '../../model/index.js';

/** Who asks, with the stated purpose and the request's audit identity. */
export interface Caller {
  actor: Actor;
  purpose?: string;
  /**
   * `user:<id>`, the acting person's subject HMAC (`hmac:` + hex of `actor.subjectHash`, absent when it has
   * none), the request id and client address, for audit events.
   */
  audit: { actor: string | null; actorSubject?: string; requestId?: string; clientAddress?: string };
}

/**
 * A caller acting with `roles` outside any request (seeding, maintenance, benchmarks): the policy still decides,
 * and its audit events name `user:<userId>`.
 */
export function systemCaller(userId: string, roles: string[], purpose?: string): Caller {
  return {
    actor: {
      kind: 'session',
      sessionId: 'system',
      userId,
      username: userId,
      roles,
      userCreatedAt: 0,
      subjectHash: null,
      attributes: {},
    },
    ...(purpose === undefined ? {} : { purpose }),
    audit: { actor: `user:${userId}` },
  };
}

/** The caller's stated purpose as an optional property: what the policy context and audit events carry. */
export function purposeOf(caller: Pick<Caller, 'purpose'>): { purpose?: string } {
  return caller.purpose === undefined ? {} : { purpose: caller.purpose };
}
