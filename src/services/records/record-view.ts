/**
 * The view of one record for one caller: each field leaves at the level its policy decision allows, lowered to
 * what the caller asked for (`masked` by default for sensitive fields; `redacted` = null, not even decrypted).
 * Invariants: a denied field is never decrypted for output nor serialized, and is listed in `withheld` with the
 * denial reason; `reveal` is refused as a whole (403) unless the policy allows plain for every named field; only
 * what will leave above `redacted` is decrypted; the subject id reads `***` unless `reveal` names `subject` and the
 * policy allows plain reads of the whole record; a record hidden from the caller has no view.
 * Threats addressed: broken field-level authorization (OWASP API3), decrypted values leaving beyond the policy.
 */
import { AppError } from '../../errors.js';
import type { Decision, DenyReason, Redaction } from '../../policy/index.js';
import type { KeyStore, RecordRow } from '../../storage/index.js';
import { type FieldValue, maskFieldValue } from '../../vault/index.js';
import { denialError } from '../authorizer.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import {
  REVEAL_SUBJECT,
  type ReadOptions,
  type RecordView,
  type RedactionLevel,
  SUBJECT_MASK,
} from './read-model.js';
import type { RecordAccess } from './record-access.js';
import { type RecordCrypto, SUBJECT_FIELD } from './record-crypto.js';
import { factsOf, type RecordFacts } from './record-facts.js';
import { locationOf, sealedFieldsOf } from './stored-record.js';

const LEVELS: readonly Redaction[] = ['redacted', 'masked', 'plain'];

function lower(a: Redaction, b: Redaction): Redaction {
  return LEVELS.indexOf(a) <= LEVELS.indexOf(b) ? a : b;
}

/** The level each allowed field leaves at, and the denial reason of each withheld one. */
function fieldLevels(collection: Collection, decisions: Map<string, Decision>, options: ReadOptions) {
  const revealed = new Set(options.reveal);
  const levels = new Map<string, Redaction>();
  const withheld: Record<string, DenyReason> = {};
  for (const definition of collection.fields) {
    const decision = decisions.get(definition.name);
    if (decision === undefined) continue;
    if (!decision.allow) {
      withheld[definition.name] = decision.reason;
      continue;
    }
    const wanted: Redaction =
      !definition.sensitive || revealed.has(definition.name) ? 'plain' : options.redaction;
    // A non-sensitive value is stored and filterable in clear: masking it would hide nothing, so only
    // `redacted` applies to it.
    const allowed = definition.sensitive || decision.redaction === 'redacted' ? decision.redaction : 'plain';
    levels.set(definition.name, lower(allowed, wanted));
  }
  return { levels, withheld };
}

/** Each field at its level (null when redacted or empty), with the level of those not plainly shown. */
function renderFields(
  collection: Collection,
  levels: Map<string, Redaction>,
  opened: Record<string, FieldValue>,
  plain: Readonly<Record<string, FieldValue>>,
) {
  const fields: Record<string, FieldValue | null> = {};
  const redaction: Record<string, RedactionLevel> = {};
  for (const definition of collection.fields) {
    const level = levels.get(definition.name);
    if (level === undefined) continue;
    const value = definition.sensitive ? opened[definition.name] : plain[definition.name];
    if (definition.sensitive || level !== 'plain') redaction[definition.name] = level;
    fields[definition.name] =
      value === undefined || level === 'redacted'
        ? null
        : level === 'plain'
          ? value
          : maskFieldValue(definition.type, value);
  }
  return { fields, redaction };
}

export function createRecordView(deps: { store: KeyStore; crypto: RecordCrypto; access: RecordAccess }) {
  /** Throws unless the policy allows plain for every revealed field (and the whole record for `subject`). */
  function assertRevealAllowed(
    caller: Caller,
    collection: Collection,
    facts: RecordFacts,
    decisions: Map<string, Decision>,
    options: ReadOptions,
  ): void {
    for (const name of new Set(options.reveal)) {
      const decision =
        name === REVEAL_SUBJECT
          ? deps.access.collection(caller, 'read', collection, facts, true)
          : decisions.get(name);
      if (decision === undefined) continue;
      if (!decision.allow) throw denialError(decision);
      if (decision.redaction !== 'plain') {
        throw new AppError('FORBIDDEN', {
          field: 'reveal',
          message: 'You may not see these fields in plain',
        });
      }
    }
  }

  /** Decrypts only the sensitive fields that leave above `redacted` (and the subject id when revealed). */
  async function openNeeded(
    collection: Collection,
    row: RecordRow,
    levels: Map<string, Redaction>,
    options: ReadOptions,
  ): Promise<Record<string, FieldValue>> {
    const sensitive = new Set(collection.fields.filter((f) => f.sensitive).map((f) => f.name));
    const needed = new Set(
      [...levels].filter(([n, l]) => l !== 'redacted' && sensitive.has(n)).map(([n]) => n),
    );
    if (options.reveal.includes(REVEAL_SUBJECT) && row.subjectSealed !== null) needed.add(SUBJECT_FIELD);
    const sealed = sealedFieldsOf(row);
    const withSubject =
      row.subjectSealed === null ? sealed : { ...sealed, [SUBJECT_FIELD]: row.subjectSealed };
    return needed.size === 0 ? {} : deps.crypto.open(deps.store, locationOf(row), withSubject, needed);
  }

  /** The view of `row` for `caller`, or null when the record is hidden from them. Throws on a refused reveal. */
  return async function view(
    caller: Caller,
    collection: Collection,
    row: RecordRow,
    options: ReadOptions,
    facts: RecordFacts = factsOf(row),
    decisions: Map<string, Decision> = deps.access.fields(caller, 'read', collection, facts),
  ): Promise<RecordView | null> {
    if (deps.access.hidden(caller, collection, facts, decisions)) return null;
    assertRevealAllowed(caller, collection, facts, decisions, options);
    const { levels, withheld } = fieldLevels(collection, decisions, options);
    const opened = await openNeeded(collection, row, levels, options);
    const { fields, redaction } = renderFields(collection, levels, opened, facts.plain);
    const subject = opened[SUBJECT_FIELD];
    return {
      id: row.id,
      subject: typeof subject === 'string' ? subject : row.subjectSealed === null ? null : SUBJECT_MASK,
      fields,
      redaction,
      withheld,
      revision: row.revision,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  };
}

export type RecordViewer = ReturnType<typeof createRecordView>;
