/**
 * The audit chain: events and the chain head.
 * Invariants: appends go through `lockHead` in the appending transaction (PostgreSQL takes the head row
 * `FOR UPDATE`, so concurrent appenders queue on it; SQLite serializes write transactions itself); events are
 * never updated; they are deleted only by `pruneThrough`, which moves the pruning anchor in the same transaction.
 */
import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import type { DatabaseKind } from './database.js';
import type { AuditEventsTable, Database } from './schema.js';

export type AuditEventRow = Selectable<AuditEventsTable>;

export interface AuditHead {
  seq: number;
  hash: string;
  anchorSeq: number;
  anchorHash: string;
}

export interface AuditEventFilter {
  actor?: string;
  action?: string;
  collection?: string;
  recordId?: string;
  outcome?: string;
  /**
   * Events of any of these subjects (their `hmac:` forms) as the data subject or as the acting person
   * (`actor_subject`), or of the legacy erasure record ids given.
   */
  subjects?: { hmacs: readonly string[]; recordIds: readonly string[] };
  /** Inclusive lower bound, ms since the epoch. */
  since?: number;
  /** Exclusive upper bound, ms since the epoch. */
  until?: number;
  /** Only events with seq greater than this. */
  afterSeq?: number;
}

const EVENT_COLUMNS = [
  'seq',
  'time',
  'occurred_at',
  'actor',
  'action',
  'resource',
  'collection',
  'record_id',
  'purpose',
  'outcome',
  'request_id',
  'client_address',
  'prev_hash',
  'hash',
  'reason',
  'release',
  'subject',
  'actor_subject',
] as const satisfies ReadonlyArray<keyof AuditEventRow>;

const insertStatements = new Map<string, string>();

/** `insert into audit_events (…) values (…), …` for `count` rows, with the dialect's placeholders. */
function insertSql(kind: DatabaseKind, count: number): string {
  const key = `${kind}:${count}`;
  let text = insertStatements.get(key);
  if (text === undefined) {
    let n = 0;
    const placeholder = () => (kind === 'postgres' ? `$${++n}` : '?');
    const rows = Array.from({ length: count }, () => `(${EVENT_COLUMNS.map(placeholder).join(', ')})`);
    text = `insert into "audit_events" (${EVENT_COLUMNS.map((c) => `"${c}"`).join(', ')}) values ${rows.join(', ')}`;
    if (insertStatements.size > 1000) insertStatements.clear();
    insertStatements.set(key, text);
  }
  return text;
}

export function createAuditChain(db: Kysely<Database>, kind: DatabaseKind) {
  async function selectHead(lock: boolean): Promise<AuditHead> {
    let query = db.selectFrom('audit_chain_head').selectAll().where('id', '=', 1);
    if (lock) query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    return { seq: row.seq, hash: row.hash, anchorSeq: row.anchor_seq, anchorHash: row.anchor_hash };
  }

  return {
    /** Reads the chain head; on PostgreSQL locks it until the surrounding transaction ends. */
    async lockHead(): Promise<AuditHead> {
      return selectHead(kind === 'postgres');
    },
    async readHead(): Promise<AuditHead> {
      return selectHead(false);
    },
    async appendRows(rows: AuditEventRow[], head: { seq: number; hash: string }): Promise<void> {
      // Chunks keep every insert under SQLite's bound-parameter limit (18 columns per row). The statement text
      // depends only on the row count, so it is built once per count (cheaper than compiling a query per batch).
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await db.executeQuery(
          CompiledQuery.raw(
            insertSql(kind, chunk.length),
            chunk.flatMap((row) => EVENT_COLUMNS.map((c) => row[c])),
          ),
        );
      }
      await db
        .updateTable('audit_chain_head')
        .set({ seq: head.seq, hash: head.hash })
        .where('id', '=', 1)
        .execute();
    },
    /** Inserts one event row without moving the head (the audit trail's write probe, which rolls it back). */
    async insertEvent(row: AuditEventRow): Promise<void> {
      await db.insertInto('audit_events').values(row).execute();
    },
    async findEvent(seq: number): Promise<AuditEventRow | undefined> {
      return db.selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirst();
    },
    /** Events matching `filter` in seq order, at most `limit`. */
    async listEvents(filter: AuditEventFilter, limit: number): Promise<AuditEventRow[]> {
      let query = db.selectFrom('audit_events').selectAll();
      if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
      if (filter.action !== undefined) query = query.where('action', '=', filter.action);
      if (filter.collection !== undefined) query = query.where('collection', '=', filter.collection);
      if (filter.recordId !== undefined) query = query.where('record_id', '=', filter.recordId);
      if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
      const subjects = filter.subjects;
      if (subjects !== undefined) {
        query = query.where((eb) =>
          eb.or([
            ...subjects.hmacs.map((h) => eb('subject', '=', h)),
            ...subjects.hmacs.map((h) => eb('actor_subject', '=', h)),
            ...subjects.recordIds.map((r) => eb('record_id', '=', r)),
          ]),
        );
      }
      if (filter.since !== undefined) query = query.where('occurred_at', '>=', filter.since);
      if (filter.until !== undefined) query = query.where('occurred_at', '<', filter.until);
      if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
      return query.orderBy('seq').limit(limit).execute();
    },
    /** Deletes every event up to `seq` and records it as the pruning anchor; returns how many were removed. */
    async pruneThrough(seq: number, hash: string): Promise<number> {
      const result = await db.deleteFrom('audit_events').where('seq', '<=', seq).executeTakeFirst();
      await db
        .updateTable('audit_chain_head')
        .set({ anchor_seq: seq, anchor_hash: hash })
        .where('id', '=', 1)
        .execute();
      return Number(result.numDeletedRows);
    },
  };
}
