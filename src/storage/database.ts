/**
 * Opens the database: SQLite (embedded default, WAL, file mode 0600) or PostgreSQL when a URL is configured.
 * A PostgreSQL schema may be given so that several instances (or test runs) share one database without sharing tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { createWalSync } from './wal-sync.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  databaseUrl: string | null;
  databaseSchema: string | null;
  sqlitePath: string;
  /** PostgreSQL: bounds on waiting for a connection and on one statement (defaults 5 s and 30 s). */
  databaseConnectTimeoutMs?: number;
  databaseStatementTimeoutMs?: number;
}

/** Where a lost or failing connection is reported (it is never an unhandled 'error' event). */
export interface DatabaseHooks {
  onError?: (error: Error) => void;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** SQLite: the database file; null on PostgreSQL. */
  sqliteFile: string | null;
  /** SQLite: makes the commits in the `-wal` log durable (wal-sync.ts); null on PostgreSQL. */
  syncLog: (() => Promise<void>) | null;
  close(): Promise<void>;
}

const INT8_OID = 20;
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more than running the small indexed
 * queries that authentication makes on every request. Statements are reused by SQL text (bounded), unless busy.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      const cached = statements.get(sql);
      if (cached !== undefined && !cached.busy) return cached;
      const statement = database.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
      statements.set(sql, statement);
      return statement;
    },
  };
}

function openSqlite(file: string): DatabaseHandle {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Create the file owner-only before SQLite opens it with the process umask.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Deleted rows (revoked credential hashes) are overwritten rather than left in free pages.
  database.pragma('secure_delete = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const log = createWalSync(`${file}-wal`);
  return {
    db,
    kind: 'sqlite',
    sqliteFile: file,
    syncLog: () => log.sync(),
    // The log's descriptor after the database: SQLite may still write to the log until it closes.
    close: () => db.destroy().finally(() => log.close()),
  };
}

async function openPostgres(
  options: DatabaseOptions,
  url: string,
  hooks: DatabaseHooks,
): Promise<DatabaseHandle> {
  const schema = options.databaseSchema;
  const connectTimeout = options.databaseConnectTimeoutMs ?? 5000;
  const statementTimeout = options.databaseStatementTimeoutMs ?? 30_000;
  if (schema !== null) {
    // Bounded like the pool: a database that accepts TCP but never answers must not hang the start.
    const admin = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: connectTimeout,
      query_timeout: statementTimeout + 1000,
    });
    admin.on('error', (error) => hooks.onError?.(error));
    try {
      await admin.connect();
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: connectTimeout,
    // Server-side limit, and a client-side one a little later for a server that stops answering altogether.
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout + 1000,
    application_name: schema === null ? 'strongroom' : `strongroom:${schema}`,
    ...(schema === null ? {} : { options: `-c search_path="${schema}"` }),
    // Timestamps are int8 milliseconds, well inside Number's safe range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  // A terminated backend, a restart or a cut proxy emits 'error' on the pool (idle clients) or on a client in use:
  // without listeners Node would end the process. The query in flight fails and is answered 503 instead.
  const report = (error: Error) => hooks.onError?.(error);
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    // Nothing may keep the process alive (or retrying) after a failed open: the caller never sees this pool.
    await db.destroy().catch(() => undefined);
    throw error;
  }
  return { db, kind: 'postgres', sqliteFile: null, syncLog: null, close: () => db.destroy() };
}

/** Opens the configured database. Does not migrate: call `migrateToLatest`. */
export async function openDatabase(
  options: DatabaseOptions,
  hooks: DatabaseHooks = {},
): Promise<DatabaseHandle> {
  if (options.databaseUrl !== null) return openPostgres(options, options.databaseUrl, hooks);
  return openSqlite(options.sqlitePath);
}
