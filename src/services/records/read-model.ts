/**
 * What reading records takes and gives: read options, the view of a record, a page of views, and the check of a
 * `reveal` list. Invariant: `reveal` may name only sensitive fields (or `subject`), so a request cannot ask for a
 * level the schema does not know of.
 */
import { isSafeName } from '@strongroom/redact';
import { AppError } from '../../errors.js';
import type { DenyReason, Redaction } from '../../policy/index.js';
import type { Stores } from '../../storage/index.js';
import { type FieldValue, fieldNamed } from '../../vault/index.js';
import type { AuditTrail } from '../audit/index.js';
import type { Collection } from '../collection-service.js';
import type { RecordAccess } from './record-access.js';
import type { RecordCrypto } from './record-crypto.js';

export type RedactionLevel = Redaction;

export interface ReadOptions {
  /** Sensitive fields (or `subject`) to return in plain. */
  reveal: readonly string[];
  /** Level of the other sensitive fields. */
  redaction: 'masked' | 'redacted';
}

export interface RecordView {
  id: string;
  subject: string | null;
  fields: Record<string, FieldValue | null>;
  redaction: Record<string, RedactionLevel>;
  withheld: Record<string, DenyReason>;
  revision: number;
  createdAt: number;
  updatedAt: number;
}

export interface RecordPage {
  records: RecordView[];
  nextCursor: string | null;
}

export interface RecordReaderDeps {
  stores: Stores;
  crypto: RecordCrypto;
  access: RecordAccess;
  audit: AuditTrail;
  /** Seals page cursors (AES-256-GCM); read at each use. */
  cursorKey: () => Buffer;
}

export const MAX_PAGE = 200;
/** The `reveal` entry that asks for the subject id in plain (a reserved field name). */
export const REVEAL_SUBJECT = 'subject';
/** What the subject id reads when it is not revealed. */
export const SUBJECT_MASK = '***';

/** Refuses a `reveal` entry that is not a sensitive field of the collection (or `subject`). */
export function checkReveal(collection: Collection, options: ReadOptions): void {
  const path = 'reveal';
  for (const name of options.reveal) {
    if (name === REVEAL_SUBJECT) continue;
    if (!fieldNamed(collection.fields, name, path).sensitive) {
      throw new AppError('VALIDATION_FAILED', {
        field: path,
        message: isSafeName(name)
          ? `${path} names ${name}, which is not a sensitive field`
          : `${path} names a field that is not sensitive`,
      });
    }
  }
}
