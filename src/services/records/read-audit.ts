/**
 * The audit events of reads: one per record returned, or one naming the searched fields when nothing matched.
 * A record's event names the fields that left (and `subject` when the subject id left in plain), the level each
 * field of the collection left at (`release`: plain, masked, redacted, or withheld by the policy; `subject` masked
 * or plain), and the record's subject as its HMAC, so "who saw this person's SSN in plain" is one query. The
 * caller awaits the durable write before answering (AUDIT_UNAVAILABLE otherwise), so no value leaves unaudited.
 */
import type { ReleaseLevel } from '../../audit/index.js';
import { type AuditAction, type AuditTrail, auditSubjectOf } from '../audit/index.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import { allowedEvent } from './caller-audit.js';
import { REVEAL_SUBJECT, type RecordView, SUBJECT_MASK } from './read-model.js';

/** One record as it was shown, with its stored subject HMAC (null: no subject). */
export interface ShownRecord {
  view: RecordView;
  subjectHash: string | null;
}

/** The level each field of `collection` (and the subject id) left `view` at. */
export function releaseOf(collection: Collection, view: RecordView): Record<string, ReleaseLevel> {
  const release: Record<string, ReleaseLevel> = {};
  for (const { name } of collection.fields) {
    if (name in view.withheld) release[name] = 'withheld';
    else if (name in view.fields) release[name] = view.redaction[name] ?? 'plain';
  }
  if (view.subject !== null) release[REVEAL_SUBJECT] = view.subject === SUBJECT_MASK ? 'masked' : 'plain';
  return release;
}

export function createReadAudit(audit: Pick<AuditTrail, 'record'>) {
  return function auditRead(
    caller: Caller,
    action: AuditAction,
    collection: Collection,
    shown: ShownRecord | RecordView | null,
    searched: string[] = [],
  ): Promise<void> {
    if (shown === null) {
      return audit.record(allowedEvent(caller, action, { collection: collection.name, fields: searched }));
    }
    const { view, subjectHash } = 'view' in shown ? shown : { view: shown, subjectHash: null };
    const revealedSubject = view.subject !== null && view.subject !== SUBJECT_MASK;
    return audit.record({
      ...allowedEvent(caller, action, {
        collection: collection.name,
        recordId: view.id,
        fields: [...Object.keys(view.fields), ...(revealedSubject ? [REVEAL_SUBJECT] : [])],
      }),
      release: releaseOf(collection, view),
      ...(subjectHash === null ? {} : { subject: auditSubjectOf(subjectHash) }),
    });
  };
}

export type ReadAudit = ReturnType<typeof createReadAudit>;
