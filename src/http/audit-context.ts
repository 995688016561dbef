/**
 * The request-derived part of an audit event: who (the authenticated user, or null before authentication), which
 * request, from where. Routes spread it into `AuditTrail.record` / `appendInTransaction` inputs.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/index.js';
import type { AuditInput } from '../services/audit/index.js';

/** `user:<id>` for an actor (through a session or an API key alike: the user is accountable), else null. */
export function auditActorId(actor: Actor | null): string | null {
  return actor === null ? null : `user:${actor.userId}`;
}

/** Actor, request id and client address of `request`, as audit input fields. */
export function auditContext(
  request: FastifyRequest,
): Pick<AuditInput, 'actor' | 'requestId' | 'clientAddress'> {
  return { actor: auditActorId(request.actor), requestId: request.id, clientAddress: request.ip };
}
