/**
 * Reading records: by id, as a filtered page, or by exact value of searchable sensitive fields (blind index).
 * The policy decides every field of every record: an allowed field leaves at the decision's redaction level,
 * lowered to what the caller asked for (`masked` by default for sensitive fields, `redacted` = null, not even
 * decrypted); `reveal` asks for `plain` and is refused as a whole (403) when the policy does not allow plain for
 * every named field; a denied field is never decrypted for output nor serialized, and is listed in `withheld` with
 * the denial reason (e.g. PURPOSE_REQUIRED). A record the caller may see no field of under any configured purpose
 * does not exist for them (404, skipped in lists). The subject id reads `***` unless `reveal` names `subject` and
 * the policy allows plain reads of the whole record.
 * Finding is object-level too: a record matches a filter only if the caller may read the filtered fields of that
 * record, and a search only if the policy allows `search` on the searched sensitive fields of that record (so
 * exact-match probing cannot recover a value the caller sees masked on records that are not theirs).
 * Pages are filled with visible records only, and cursors are sealed (AES-GCM under a key derived from the root
 * key, bound to the collection), so neither an empty page with a cursor nor the cursor itself reveals a record the
 * caller cannot see.
 * Every read is audited (action, collection, record id, the fields that left, purpose) and the event is durably
 * written before the response is returned (AUDIT_UNAVAILABLE otherwise).
 * Invariants: filters on sensitive fields are refused (their values must travel in a body, through the blind
 * index); blind index matches are confirmed by decrypting, so truncation collisions never return a wrong record;
 * erased records answer SUBJECT_ERASED (404 when hidden) and are skipped in lists.
 */
import { open, seal } from '../crypto/index.js';
import { AppError } from '../errors.js';
import type { Decision, DenyReason, Redaction } from '../policy/index.js';
import type { AttributeFilter, IndexFilter, KeyStore, RecordRow, Stores } from '../storage/index.js';
import { type FieldValue, fieldNamed, maskFieldValue, normalizeFieldValue } from '../vault/index.js';
import type { AuditAction, AuditTrail } from './audit/index.js';
import { denialError } from './authorizer.js';
import type { Collection } from './collection-service.js';
import type { Caller, RecordAccess, RecordFacts } from './record-access.js';
import { indexedText, type RecordCrypto, SUBJECT_FIELD } from './record-crypto.js';
import { factsOf } from './record-service.js';

export type RedactionLevel = Redaction;

export interface ReadOptions {
  /** Sensitive fields (or `subject`) to return in plain. */
  reveal: readonly string[];
  /** Where `reveal` came from, for errors: `query.reveal` (default) or `body.reveal`. */
  revealPath?: string;
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
/** Rows examined for one page at most: beyond, the page ends early with a cursor (bounded work per request). */
const MAX_SCANNED = 2000;

function lower(a: Redaction, b: Redaction): Redaction {
  return LEVELS.indexOf(a) <= LEVELS.indexOf(b) ? a : b;
}

export function createRecordReader(deps: {
  stores: Stores;
  crypto: RecordCrypto;
  access: RecordAccess;
  audit: AuditTrail;
  /** Seals page cursors (AES-256-GCM); read at each use. */
  cursorKey: () => Buffer;
}) {
  const store: KeyStore = deps.stores.keys;

  function encodeCursor(collection: Collection, id: string): string {
    return seal(deps.cursorKey(), Buffer.from(id, 'utf8'), `cursor:${collection.id}`).slice('v1.'.length);
  }

  function decodeCursor(collection: Collection, cursor: string | undefined, path: string): string | null {
    if (cursor === undefined) return null;
    try {
      return open(deps.cursorKey(), `v1.${cursor}`, `cursor:${collection.id}`).toString('utf8');
    } catch {
      throw new AppError('VALIDATION_FAILED', {
        field: path,
        message: `${path} is not a cursor from this API`,
      });
    }
  }

  function checkReveal(collection: Collection, options: ReadOptions): void {
    const path = options.revealPath ?? 'query.reveal';
    for (const name of options.reveal) {
      if (name === REVEAL_SUBJECT) continue;
      if (!fieldNamed(collection.fields, name, path).sensitive) {
        throw new AppError('VALIDATION_FAILED', {
          field: path,
          message: `${path} names ${name}, which is not a sensitive field`,
        });
      }
    }
  }

  /** The view of `row` for `caller`, or null when the record is hidden from them. Throws on a refused reveal. */
  async function view(
    caller: Caller,
    collection: Collection,
    row: RecordRow,
    options: ReadOptions,
    facts: RecordFacts = factsOf(row),
    decisions: Map<string, Decision> = deps.access.fields(caller, 'read', collection, facts),
  ) {
    if (deps.access.hidden(caller, collection, facts, decisions)) return null;
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
          field: options.revealPath ?? 'query.reveal',
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
      // A non-sensitive value is stored and filterable in clear: masking it would hide nothing, so only
      // `redacted` applies to it.
      const allowed =
        definition.sensitive || decision.redaction === 'redacted' ? decision.redaction : 'plain';
      levels.set(definition.name, lower(allowed, wanted));
    }
    const sensitive = new Set(collection.fields.filter((f) => f.sensitive).map((f) => f.name));
    const needed = new Set(
      [...levels].filter(([n, l]) => l !== 'redacted' && sensitive.has(n)).map(([n]) => n),
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
      const value = definition.sensitive ? opened[definition.name] : facts.plain[definition.name];
      if (definition.sensitive || level !== 'plain') redaction[definition.name] = level;
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
    shown: RecordView | null,
    searched: string[] = [],
  ) {
    const revealedSubject = shown !== null && shown.subject !== null && shown.subject !== SUBJECT_MASK;
    return deps.audit.record({
      ...caller.audit,
      ...(caller.purpose === undefined ? {} : { purpose: caller.purpose }),
      action,
      resource: {
        collection: collection.name,
        ...(shown === null ? {} : { recordId: shown.id }),
        fields:
          shown === null
            ? searched
            : [...Object.keys(shown.fields), ...(revealedSubject ? [REVEAL_SUBJECT] : [])],
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

  /** True when the policy lets `caller` use every field in `fields` of this record with `action`. */
  function mayMatch(
    caller: Caller,
    action: 'read' | 'search',
    collection: Collection,
    facts: RecordFacts,
    fields: string[],
  ) {
    if (fields.length === 0) return true;
    // Filtering by a value one may see only as `redacted` would reveal it: reads must be above that level.
    return [...deps.access.fields(caller, action, collection, facts, fields).values()].every(
      (d) => d.allow && (action === 'search' || d.redaction !== 'redacted'),
    );
  }

  /**
   * One page of visible records: rows are fetched in id order and kept when `keep` accepts them and the caller may
   * see them, until one more than `limit` are found, the rows run out, or MAX_SCANNED rows were examined. The
   * cursor exists exactly when a further visible record does (it points after the last record returned), or when
   * the scan cap was reached (then always, whatever was found): its presence never depends on hidden records.
   * Every returned record is audited before the page is returned.
   */
  async function page(
    caller: Caller,
    action: AuditAction,
    collection: Collection,
    query: { cursor?: string; limit: number; cursorPath: string } & ReadOptions,
    fetch: (after: string | null, limit: number) => Promise<RecordRow[]>,
    keep: (row: RecordRow, facts: RecordFacts) => Promise<boolean>,
    searched: string[],
  ): Promise<RecordPage> {
    let after = decodeCursor(collection, query.cursor, query.cursorPath);
    const visible: Array<{ row: RecordRow; facts: RecordFacts; decisions: Map<string, Decision> }> = [];
    let scanned = 0;
    let exhausted = false;
    while (visible.length <= query.limit && !exhausted && scanned < MAX_SCANNED) {
      const batch = Math.min(query.limit * 2, MAX_PAGE);
      const rows = await fetch(after, batch);
      exhausted = rows.length < batch;
      for (const row of rows) {
        scanned++;
        after = row.id;
        const facts = factsOf(row);
        const decisions = deps.access.fields(caller, 'read', collection, facts);
        if (!deps.access.hidden(caller, collection, facts, decisions) && (await keep(row, facts))) {
          visible.push({ row, facts, decisions });
        }
        if (visible.length > query.limit || scanned >= MAX_SCANNED) break;
      }
    }
    const capped = visible.length <= query.limit && !exhausted && scanned >= MAX_SCANNED;
    const returned = visible.slice(0, query.limit);
    const records: RecordView[] = [];
    for (const { row, facts, decisions } of returned) {
      const shown = await view(caller, collection, row, query, facts, decisions);
      if (shown !== null) records.push(shown);
    }
    await Promise.all(
      records.length === 0
        ? [auditRead(caller, action, collection, null, searched)]
        : records.map((r) => auditRead(caller, action, collection, r)),
    );
    const last = returned[returned.length - 1];
    const cursorAfter = visible.length > query.limit ? (last?.row.id ?? null) : capped ? after : null;
    return { records, nextCursor: cursorAfter === null ? null : encodeCursor(collection, cursorAfter) };
  }

  return {
    async get(caller: Caller, collection: Collection, id: string, options: ReadOptions): Promise<RecordView> {
      checkReveal(collection, options);
      const row = await deps.stores.records.find(collection.id, id);
      if (row === null) throw new AppError('RECORD_NOT_FOUND');
      if (deps.access.hidden(caller, collection, factsOf(row)))
        throw new AppError('RECORD_NOT_FOUND', { refusal: true });
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
      checkReveal(collection, query);
      const attributes = Object.entries(query.filters).map(([name, text]) =>
        parseFilter(collection, name, text),
      );
      const filtered = attributes.map((a) => a.field);
      return page(
        caller,
        'record.list',
        collection,
        { ...query, cursorPath: 'query.cursor' },
        (after, limit) =>
          deps.stores.recordQueries.list(collection.id, { after, limit, attributes, indexes: [] }),
        // Filtering by a field is reading it: only records whose filtered fields the caller may read can match.
        async (_row, facts) => mayMatch(caller, 'read', collection, facts, filtered),
        filtered,
      );
    },

    async search(
      caller: Caller,
      collection: Collection,
      query: { where: Record<string, unknown>; cursor?: string; limit: number } & ReadOptions,
    ): Promise<RecordPage> {
      checkReveal(collection, query);
      const attributes: AttributeFilter[] = [];
      const indexes: IndexFilter[] = [];
      const expected = new Map<string, string>();
      const names = Object.keys(query.where);
      const definitions = names.map((name) => fieldNamed(collection.fields, name, 'body.where'));
      const sensitiveNames = definitions.filter((d) => d.sensitive).map((d) => d.name);
      const plainNames = definitions.filter((d) => !d.sensitive).map((d) => d.name);
      // Refusals that hold for every record (no purpose, an unknown purpose, an unconditional deny) answer 403 now;
      // conditional grants are decided record by record below.
      for (const decision of deps.access
        .fields(caller, 'search', collection, undefined, sensitiveNames)
        .values()) {
        if (!decision.allow && decision.reason !== 'NO_MATCHING_RULE') throw denialError(decision.reason);
      }
      const versions = (await deps.stores.keys.liveVersions(collection.indexKeyId)).map((k) => k.version);
      for (const definition of definitions) {
        const path = `body.where.${definition.name}`;
        const value = normalizeFieldValue(definition.type, query.where[definition.name], path);
        if (!definition.sensitive) {
          attributes.push({ field: definition.name, value: indexedText(value) });
        } else if (!definition.searchable) {
          throw new AppError('FIELD_NOT_SEARCHABLE', { field: path });
        } else {
          const candidates = await deps.crypto.candidates(
            store,
            collection,
            versions,
            definition.name,
            value,
          );
          indexes.push({ field: definition.name, candidates });
          expected.set(definition.name, indexedText(value));
        }
      }
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
      return page(
        caller,
        'record.search',
        collection,
        { ...query, cursorPath: 'body.cursor' },
        (after, limit) =>
          deps.stores.recordQueries.list(collection.id, { after, limit, attributes, indexes }),
        async (row, facts) =>
          mayMatch(caller, 'search', collection, facts, sensitiveNames) &&
          mayMatch(caller, 'read', collection, facts, plainNames) &&
          (await confirm(row)),
        names,
      );
    },
  };
}

export type RecordReader = ReturnType<typeof createRecordReader>;
