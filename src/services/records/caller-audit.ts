/**
 * The audit events of record and token operations. Every event names the caller's audit identity and, when one
 * was stated, the purpose: that is what lets a reviewer tell why a value left the vault. Events carry names and
 * ids only, never values (audit/ refuses anything that looks like one).
 */
import type { AuditAction, AuditInput } from '../audit/index.js';
import { type Caller, purposeOf } from './caller.js';

/** Who acted and why: the part every event of a caller shares. */
export function auditBase(
  caller: Caller,
): Pick<AuditInput, 'actor' | 'actorSubject' | 'requestId' | 'clientAddress' | 'purpose'> {
  return { ...caller.audit, ...purposeOf(caller) };
}

/** An allowed `action` of `caller` on `resource`. */
export function allowedEvent(
  caller: Caller,
  action: AuditAction,
  resource: NonNullable<AuditInput['resource']>,
): AuditInput {
  return { ...auditBase(caller), action, resource, outcome: 'allowed' };
}
