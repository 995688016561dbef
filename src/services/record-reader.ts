/**
 * Reading records: by id, as a filtered page, or by exact value of searchable sensitive fields (blind index).
 * The policy decides every field: an allowed field leaves at the decision's redaction level, lowered to what the
 * caller asked for (`masked` by default, `redacted` = null, not even decrypted); `reveal` asks for `plain` and is
 * refused as a whole (403) when the policy does not allow plain for every named field; a denied field is never
 * decrypted for output nor serialized, and is listed in `withheld` with the denial reason (e.g. PURPOSE_REQUIRED).
 * A record the caller may see no field of, for a reason other than a missing purpose, does not exist for them
 * (404, skipped in lists). The subject id reads `***` unless `reveal` names `subject` and the policy allows plain
 * reads of the whole record.
 * Every read is audited (action, collection, record id, the fields that left, purpose) and the event is durably
 * written before the response is returned (AUDIT_UNAVAILABLE otherwise).
 * Invariants: filters on sensitive fields are refused (their values must travel in a body, through the blind
 * index); blind index matches are confirmed by decrypting, so truncation collisions never return a wrong record;
 * erased records answer SUBJECT_ERASED and are skipped in lists.
 */
import { AppError } from '../errors.js';
import type { Decision, DenyReason, Redaction } from '../policy/index.js';
import type { AttributeFilter, IndexFilter, KeyStore, RecordRow, Stores } from '../storage/index.js';
import { type FieldValue, fieldNamed, maskFieldValue, normalizeFieldValue } from '../vault/index.js';
import type { AuditAction, AuditTrail } from './audit/index.js';
import { denialError } from './authorizer.js';
import type { Collection } from './collection-service.js';
import type { Caller, RecordAccess } from './record-access.js';
import { indexedText, type RecordCrypto, SUBJECT_FIELD } from './record-crypto.js';
import { factsOf } from './record-service.js';

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

export const MAX_PAGE = 200;
/** The `reveal` entry that asks for the subject id in plain (a reserved field name). */
export const REVEAL_SUBJECT = 'subject';
const SUBJECT_MASK = '***';
const LEVELS: readonly Redaction[] = ['redacted', 'masked', 'plain'];

function lower(a: Redaction, b: Redaction): Redaction {
  return LEVELS.indexOf(a) <= LEVELS.indexOf(b) ? a : b;
}

function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ after: id }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined, path: string): string | null {
  if (cursor === undefined) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && parsed.after.length <= 64) return parsed.after;
  } catch {
    // fall through to the typed error
  }
  throw new AppError('VALIDATION_FAILED', { field: path, message: `${path} is not a cursor from this API` });
}

/** A record the caller may see nothing of, for a reason a purpose would not fix: as good as absent to them. */
function invisible(decisions: Map<string, Decision>): boolean {
  return [...decisions.values()].every((d) => !d.allow && d.reason !== 'PURPOSE_REQUIRED');
}

export function createRecordReader(deps: {
  stores: Stores;
  crypto: RecordCrypto;
  access: RecordAccess;
  audit: AuditTrail;
}) {
  const store: KeyStore = deps.stores.keys;

  function checkReveal(collection: Collection, reveal: readonly string[]): void {
    for (const name of reveal) {
      if (name === REVEAL_SUBJECT) continue;
      if (!fieldNamed(collection.fields, name, 'query.reveal').sensitive) {
        throw new AppError('VALIDATION_FAILED', {
          field: 'query.reveal',
          message: `query.reveal names ${name}, which is not a sensitive field`,
        });
      }
    }
  }

  /** The view of `row` for `caller`, or null when the record is invisible to them. Throws on a refused reveal. */
  async function view(caller: Caller, collection: Collection, row: RecordRow, options: ReadOptions) {
    const facts = factsOf(row);
    const decisions = deps.access.fields(caller, 'read', collection, facts);
    if (decisions.size > 0 && invisible(decisions)) return null;
    const revealed = new Set(options.reveal);
    for (const name of revealed) {
      const decision =
        name === REVEAL_SUBJECT
          ? deps.access.collection(caller, 'read', collection, facts, true)
          : decisions.get(name);
      if (decision === undefined) continue;
      if (!decision.allow) throw denialError(decision.reason);
      if (decision.redaction !== 'plain') {
        throw new AppError('FORBIDDEN', {
          field: 'query.reveal',
          message: 'You may not see these fields in plain',
        });
      }
    }
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
      levels.set(definition.name, definition.sensitive ? lower(decision.redaction, wanted) : 'plain');
    }
    const needed = new Set(
      [...levels]
        .filter(
          ([name, level]) =>
            level !== 'redacted' && collection.fields.some((f) => f.name === name && f.sensitive),
        )
        .map(([name]) => name),
    );
    if (revealed.has(REVEAL_SUBJECT) && row.subjectSealed !== null) needed.add(SUBJECT_FIELD);
    const at = {
      collectionId: collection.id,
      recordId: row.id,
      keyId: row.keyId,
      keyVersion: row.keyVersion,
    };
    const sealed = JSON.parse(row.sealedFields) as Record<string, string>;
    const withSubject =
      row.subjectSealed === null ? sealed : { ...sealed, [SUBJECT_FIELD]: row.subjectSealed };
    const opened = needed.size === 0 ? {} : await deps.crypto.open(store, at, withSubject, needed);
    const fields: Record<string, FieldValue | null> = {};
    const redaction: Record<string, RedactionLevel> = {};
    for (const definition of collection.fields) {
      const level = levels.get(definition.name);
      if (level === undefined) continue;
      if (!definition.sensitive) {
        fields[definition.name] = facts.plain[definition.name] ?? null;
        continue;
      }
      redaction[definition.name] = level;
      const value = opened[definition.name];
      fields[definition.name] =
        value === undefined || level === 'redacted'
          ? null
          : level === 'plain'
            ? value
            : maskFieldValue(definition.type, value);
    }
    const subject = opened[SUBJECT_FIELD];
    const recordView: RecordView = {
      id: row.id,
      subject: typeof subject === 'string' ? subject : row.subjectSealed === null ? null : SUBJECT_MASK,
      fields,
      redaction,
      withheld,
      revision: row.revision,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
    return recordView;
  }

  function auditRead(
    caller: Caller,
    action: AuditAction,
    collection: Collection,
    view: RecordView | null,
    searched: string[] = [],
  ) {
    return deps.audit.record({
      ...caller.audit,
      ...(caller.purpose === undefined ? {} : { purpose: caller.purpose }),
      action,
      resource: {
        collection: collection.name,
        ...(view === null ? {} : { recordId: view.id }),
        fields:
          view === null
            ? searched
            : [
                ...Object.keys(view.fields),
                ...(view.subject !== null && view.subject !== SUBJECT_MASK ? [REVEAL_SUBJECT] : []),
              ],
      },
      outcome: 'allowed',
    });
  }

  function parseFilter(collection: Collection, name: string, text: string): AttributeFilter {
    const path = `query.filter.${name}`;
    const definition = fieldNamed(collection.fields, name, 'query.filter');
    if (definition.sensitive) throw new AppError('FIELD_NOT_FILTERABLE', { field: path });
    let raw: unknown = text;
    if (definition.type === 'integer' && /^-?\d{1,16}$/.test(text)) raw = Number(text);
    if (definition.type === 'boolean' && (text === 'true' || text === 'false')) raw = text === 'true';
    return { field: name, value: indexedText(normalizeFieldValue(definition.type, raw, path)) };
  }

  /** Views of the visible rows (`keep` filters further), audited one event per record before returning. */
  async function page(
    caller: Caller,
    action: AuditAction,
    collection: Collection,
    rows: RecordRow[],
    limit: number,
    options: ReadOptions,
    searched: string[],
    keep: (row: RecordRow) => Promise<boolean> = async () => true,
  ): Promise<RecordPage> {
    const records: RecordView[] = [];
    for (const row of rows) {
      if (!(await keep(row))) continue;
      const shown = await view(caller, collection, row, options);
      if (shown !== null) records.push(shown);
    }
    await Promise.all(
      records.length === 0
        ? [auditRead(caller, action, collection, null, searched)]
        : records.map((r) => auditRead(caller, action, collection, r)),
    );
    const last = rows[rows.length - 1];
    return {
      records,
      nextCursor: rows.length === limit && last !== undefined ? encodeCursor(last.id) : null,
    };
  }

  return {
    async get(caller: Caller, collection: Collection, id: string, options: ReadOptions): Promise<RecordView> {
      checkReveal(collection, options.reveal);
      const row = await deps.stores.records.find(collection.id, id);
      if (row === null) throw new AppError('RECORD_NOT_FOUND');
      if (row.erasedAt !== null) throw new AppError('SUBJECT_ERASED');
      const shown = await view(caller, collection, row, options);
      if (shown === null) throw new AppError('RECORD_NOT_FOUND');
      await auditRead(caller, 'record.read', collection, shown);
      return shown;
    },

    async list(
      caller: Caller,
      collection: Collection,
      query: { cursor?: string; limit: number; filters: Record<string, string> } & ReadOptions,
    ): Promise<RecordPage> {
      checkReveal(collection, query.reveal);
      const attributes = Object.entries(query.filters).map(([name, text]) =>
        parseFilter(collection, name, text),
      );
      const after = decodeCursor(query.cursor, 'query.cursor');
      const rows = await deps.stores.recordQueries.list(collection.id, {
        after,
        limit: query.limit,
        attributes,
        indexes: [],
      });
      return page(caller, 'record.list', collection, rows, query.limit, query, Object.keys(query.filters));
    },

    async search(
      caller: Caller,
      collection: Collection,
      query: { where: Record<string, unknown>; cursor?: string; limit: number } & ReadOptions,
    ): Promise<RecordPage> {
      checkReveal(collection, query.reveal);
      const attributes: AttributeFilter[] = [];
      const indexes: IndexFilter[] = [];
      const expected = new Map<string, string>();
      const names = Object.keys(query.where);
      for (const name of names) fieldNamed(collection.fields, name, 'body.where');
      // Searching by a value reveals whether it is stored: the policy must allow `search` on each field used.
      for (const decision of deps.access.fields(caller, 'search', collection, undefined, names).values()) {
        if (!decision.allow) throw denialError(decision.reason);
      }
      const versions = (await deps.stores.keys.liveVersions(collection.indexKeyId)).map((k) => k.version);
      for (const [name, raw] of Object.entries(query.where)) {
        const path = `body.where.${name}`;
        const definition = fieldNamed(collection.fields, name, 'body.where');
        const value = normalizeFieldValue(definition.type, raw, path);
        if (!definition.sensitive) {
          attributes.push({ field: name, value: indexedText(value) });
        } else if (!definition.searchable) {
          throw new AppError('FIELD_NOT_SEARCHABLE', { field: path });
        } else {
          indexes.push({
            field: name,
            candidates: await deps.crypto.candidates(store, collection, versions, name, value),
          });
          expected.set(name, indexedText(value));
        }
      }
      const after = decodeCursor(query.cursor, 'body.cursor');
      const rows = await deps.stores.recordQueries.list(collection.id, {
        after,
        limit: query.limit,
        attributes,
        indexes,
      });
      // Truncated indexes can collide: confirm each candidate against its decrypted values.
      const confirm = async (row: RecordRow) => {
        if (expected.size === 0) return true;
        const at = {
          collectionId: collection.id,
          recordId: row.id,
          keyId: row.keyId,
          keyVersion: row.keyVersion,
        };
        const values = await deps.crypto.open(
          store,
          at,
          JSON.parse(row.sealedFields),
          new Set(expected.keys()),
        );
        return [...expected].every(
          ([name, text]) => values[name] !== undefined && indexedText(values[name]) === text,
        );
      };
      return page(caller, 'record.search', collection, rows, query.limit, query, names, confirm);
    },
  };
}

export type RecordReader = ReturnType<typeof createRecordReader>;
