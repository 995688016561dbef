/**
 * Reading records: by id, as a filtered page, or by exact value of searchable sensitive fields (blind index).
 * Every sensitive field leaves at a redaction level: `masked` (type-aware, vault/masking.ts) by default,
 * `redacted` (null, not even decrypted), or `plain` for the fields named in `reveal` when the caller may see them.
 * The subject id is treated like a sensitive value: `***` unless `reveal` names `subject`.
 * Invariants: a field is decrypted only when it will be shown masked or plain; a reveal that is not allowed is
 * refused as a whole (403), never silently downgraded; filters on sensitive fields are refused (their values must
 * travel in a body, through the blind index); blind index matches are confirmed by decrypting, so truncation
 * collisions never return a wrong record; erased records answer SUBJECT_ERASED and are skipped in lists.
 */
import { AppError } from '../errors.js';
import type { AttributeFilter, IndexFilter, KeyStore, RecordRow, Stores } from '../storage/index.js';
import { type FieldValue, fieldNamed, maskFieldValue, normalizeFieldValue } from '../vault/index.js';
import type { Collection } from './collection-service.js';
import { indexedText, type RecordCrypto, SUBJECT_FIELD } from './record-crypto.js';
import type { Caller } from './record-service.js';

export type RedactionLevel = 'plain' | 'masked' | 'redacted';

export interface ReadOptions {
  /** Sensitive fields to return in plain. */
  reveal: readonly string[];
  /** Level of the other sensitive fields. */
  redaction: 'masked' | 'redacted';
}

export interface RecordView {
  id: string;
  subject: string | null;
  fields: Record<string, FieldValue | null>;
  redaction: Record<string, RedactionLevel>;
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

export function createRecordReader(deps: { stores: Stores; crypto: RecordCrypto }) {
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

  async function view(
    caller: Caller,
    collection: Collection,
    row: RecordRow,
    options: ReadOptions,
  ): Promise<RecordView> {
    const mayReveal = caller.isAdmin || row.createdBy === caller.userId;
    if (options.reveal.length > 0 && !mayReveal) {
      throw new AppError('FORBIDDEN', {
        field: 'query.reveal',
        message: 'You may not see these fields in plain',
      });
    }
    const plain = JSON.parse(row.plainFields) as Record<string, FieldValue>;
    const sealed = JSON.parse(row.sealedFields) as Record<string, string>;
    const revealed = new Set(options.reveal);
    const needed = new Set(
      collection.fields
        .filter((f) => f.sensitive && (revealed.has(f.name) || options.redaction === 'masked'))
        .map((f) => f.name),
    );
    if (revealed.has(REVEAL_SUBJECT) && row.subjectSealed !== null) needed.add(SUBJECT_FIELD);
    const at = {
      collectionId: collection.id,
      recordId: row.id,
      keyId: row.keyId,
      keyVersion: row.keyVersion,
    };
    const withSubject =
      row.subjectSealed === null ? sealed : { ...sealed, [SUBJECT_FIELD]: row.subjectSealed };
    const opened = needed.size === 0 ? {} : await deps.crypto.open(store, at, withSubject, needed);
    const fields: Record<string, FieldValue | null> = {};
    const redaction: Record<string, RedactionLevel> = {};
    for (const definition of collection.fields) {
      if (!definition.sensitive) {
        fields[definition.name] = plain[definition.name] ?? null;
        continue;
      }
      const value = opened[definition.name];
      const level: RedactionLevel = revealed.has(definition.name) ? 'plain' : options.redaction;
      redaction[definition.name] = level;
      fields[definition.name] =
        value === undefined || level === 'redacted'
          ? null
          : level === 'plain'
            ? value
            : maskFieldValue(definition.type, value);
    }
    const subject = opened[SUBJECT_FIELD];
    return {
      id: row.id,
      subject: typeof subject === 'string' ? subject : row.subjectSealed === null ? null : SUBJECT_MASK,
      fields,
      redaction,
      revision: row.revision,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
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

  async function page(
    caller: Caller,
    collection: Collection,
    rows: RecordRow[],
    limit: number,
    options: ReadOptions,
    keep: (row: RecordRow) => Promise<boolean> = async () => true,
  ): Promise<RecordPage> {
    const records: RecordView[] = [];
    for (const row of rows) if (await keep(row)) records.push(await view(caller, collection, row, options));
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
      return view(caller, collection, row, options);
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
      return page(caller, collection, rows, query.limit, query);
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
      return page(caller, collection, rows, query.limit, query, confirm);
    },
  };
}

export type RecordReader = ReturnType<typeof createRecordReader>;
