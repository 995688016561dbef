/**
 * A consistent copy of a live SQLite database through SQLite's online backup API (better-sqlite3 `db.backup`),
 * and what a backup manifest says about such a copy.
 * Invariants: the source is opened as it is (`fileMustExist`: a wrong path never creates an empty database) and
 * never written; the copy is taken in one backup step, so it is one read transaction of the source: a snapshot of
 * a single commit, whatever the server writes meanwhile (in WAL mode readers and the writer do not block each
 * other; a step-by-step copy would restart at every commit of the server and might never end under load). The
 * copy leaves WAL mode (`journal_mode = DELETE`), so it is one self-contained file, and is fsynced.
 * Threats addressed: a torn or mixed-version copy of a database in use. Not addressed: where the copy is written
 * (callers write it in a private directory and encrypt it; see services/backup).
 */
import fs from 'node:fs';
import SQLite from 'better-sqlite3';

/** All remaining pages in the next step (better-sqlite3 caps the step at this). */
const ALL_PAGES = 0x7fffffff;

/** What a manifest records of a database: its applied migrations and its audit chain head. */
export interface SnapshotFacts {
  migrations: string[];
  audit: { seq: number; hash: string; time: string | null };
}

/** Copies the database at `source` (in use or not) to the new file `target`, consistently, and fsyncs it. */
export async function snapshotSqlite(source: string, target: string): Promise<void> {
  const database = new SQLite(source, { fileMustExist: true });
  try {
    database.pragma('busy_timeout = 5000');
    await database.backup(target, { progress: () => ALL_PAGES });
  } finally {
    database.close();
  }
  settleSqliteFile(target);
}

/** Takes `file` out of WAL mode (its log folded in and removed), so it is one self-contained file, and fsyncs it. */
export function settleSqliteFile(file: string): void {
  const copy = new SQLite(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const handle = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(handle);
  } finally {
    fs.closeSync(handle);
  }
}

/** The applied migrations and audit chain head of the SQLite file `file` (read only). */
export function readSnapshotFacts(file: string): SnapshotFacts {
  const database = new SQLite(file, { fileMustExist: true, readonly: true });
  try {
    const migrations = (
      database.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as Array<{ name: string }>
    ).map((row) => row.name);
    const head = database.prepare('SELECT seq, hash FROM audit_chain_head WHERE id = 1').get() as
      | { seq: number; hash: string }
      | undefined;
    const seq = Number(head?.seq ?? 0);
    const event = database.prepare('SELECT time FROM audit_events WHERE seq = ?').get(seq) as
      | { time: string }
      | undefined;
    return { migrations, audit: { seq, hash: head?.hash ?? '', time: event?.time ?? null } };
  } finally {
    database.close();
  }
}

/** True when SQLite's `integrity_check` finds the file sound. */
export function isSqliteIntact(file: string): boolean {
  try {
    const database = new SQLite(file, { fileMustExist: true, readonly: true });
    try {
      const rows = database.pragma('integrity_check') as Array<{ integrity_check: string }>;
      return rows.length === 1 && rows[0]?.integrity_check === 'ok';
    } finally {
      database.close();
    }
  } catch {
    return false;
  }
}
