/**
 * Finding HMAC'd identifiers in the trail. The trail stores a sensitive identifier only as a keyed HMAC, always in
 * one form, `hmac:` + 64 lower-case hex digits; `storedForm` answers exactly that form for a value an auditor
 * knows, and `subjectFilter` every form a subject's events carry.
 * - subject: the subjects table's HMAC (`subject-id/v1`, services/subject-service.ts `hash`), its bytes in hex;
 *   events written before issue 13 name an erasure by the record id `subject:<the same HMAC in base64url>`, which
 *   the subject filter matches too;
 * - username: the audit identifier HMAC of the case-folded name (`usernameKey`), as unknown-username logins are
 *   recorded (services/security-events.ts);
 * - identifier: the audit identifier HMAC of the value as given (`hmacIdentifier`).
 * Invariants: the value is never stored, logged or returned; while sealed, both keys are unavailable (SEALED).
 */
import { usernameKey } from '../../storage/index.js';
import { auditSubjectOf } from './identifier-hmac.js';

/** What kind of value an auditor asks the stored form of. */
export const LOOKUP_KINDS = ['identifier', 'username', 'subject'] as const;
export type LookupKind = (typeof LOOKUP_KINDS)[number];

export function createAuditLookup(deps: {
  hmacIdentifier: (value: string) => string;
  /** The subjects table's HMAC of a subject id (base64url). */
  hashSubject: (subject: string) => string;
}) {
  return {
    /** Exactly what the trail stores for `value` of `kind`. */
    storedForm(kind: LookupKind, value: string): string {
      if (kind === 'subject') return auditSubjectOf(deps.hashSubject(value));
      if (kind === 'username') return deps.hmacIdentifier(usernameKey(value));
      return deps.hmacIdentifier(value);
    },
    /** The event filter that finds every event of `subject`, in its current and its pre-issue-13 form. */
    subjectFilter(subject: string): { hmacs: string[]; recordIds: string[] } {
      const hash = deps.hashSubject(subject);
      return { hmacs: [auditSubjectOf(hash)], recordIds: [`subject:${hash}`] };
    },
  };
}

export type AuditLookup = ReturnType<typeof createAuditLookup>;
