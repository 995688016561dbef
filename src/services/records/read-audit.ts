/**
 * The audit events of reads: one per record returned (the fields that left, and `subject` when the subject id
 * left in plain), or one naming the searched fields when nothing matched. The caller awaits the durable write
 * before answering (AUDIT_UNAVAILABLE otherwise), so no value leaves unaudited.
 */
import type { AuditAction, AuditTrail } from '../audit/index.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import { allowedEvent } from './caller-audit.js';
import { REVEAL_SUBJECT, type RecordView, SUBJECT_MASK } from './read-model.js';

export function createReadAudit(audit: Pick<AuditTrail, 'record'>) {
  return function auditRead(
    caller: Caller,
    action: AuditAction,
    collection: Collection,
    shown: RecordView | null,
    searched: string[] = [],
  ): Promise<void> {
    const revealedSubject = shown !== null && shown.subject !== null && shown.subject !== SUBJECT_MASK;
    return audit.record(
      allowedEvent(caller, action, {
        collection: collection.name,
        ...(shown === null ? {} : { recordId: shown.id }),
        fields:
          shown === null
            ? searched
            : [...Object.keys(shown.fields), ...(revealedSubject ? [REVEAL_SUBJECT] : [])],
      }),
    );
  };
}

export type ReadAudit = ReturnType<typeof createReadAudit>;
