/**
 * The request-derived part of an audit event: who (the authenticated user, or null before authentication, and the
 * `hmac:` form of that user's subject id when it has one), which request, from where. Routes spread it into
 * `AuditTrail.record` / `appendInTransaction` inputs, and it is every Caller's `audit`.
 * Invariant: the actor's subject id reaches the trail only as the HMAC the `subject` column already holds (read
 * from the user row at this request), never in clear.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/index.js';
import { type AuditInput, auditSubjectOf } from '../services/audit/index.js';

/** `user:<id>` for an actor (through a session or an API key alike: the user is accountable), else null. */
export function auditActorId(actor: Actor | null): string | null {
  return actor === null ? null : `user:${actor.userId}`;
}

/** The acting person of `actor` as an optional audit input field: absent without an actor or subject id. */
export function auditActorSubject(actor: Actor | null): Pick<AuditInput, 'actorSubject'> {
  const hash = actor?.subjectHash ?? null;
  return hash === null ? {} : { actorSubject: auditSubjectOf(hash) };
}

/** Actor (and its subject HMAC), request id and client address of `request`, as audit input fields. */
export function auditContext(
  request: FastifyRequest,
): Pick<AuditInput, 'actor' | 'actorSubject' | 'requestId' | 'clientAddress'> {
  return {
    actor: auditActorId(request.actor),
    ...auditActorSubject(request.actor),
    requestId: request.id,
    clientAddress: request.ip,
  };
}
