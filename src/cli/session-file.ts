/**
 * The CLI's login session on disk: `<config dir>/session.json` holding the server URL, its CA (PEM, pinned at
 * login), the username and the current refresh token.
 *
 * Protects: the refresh token, which opens a session as the logged-in user until it expires.
 * Invariants:
 * - The directory is 0700 and the file 0600, owned by the user; a file others can read is refused, not used.
 * - Every write is atomic (a 0600 temporary file in the same directory, fsynced, then renamed over the old one), so
 *   a crash leaves the old token or the new one, never half a file; the token rotates on every command, because
 *   the server spends a refresh token on use.
 * - The directory and the file belong to the user running the command; anything else is refused, not used or fixed.
 * - Every spend of the token (a resume, and each refresh of a long command) takes the session lock first and spends
 *   the token stored now (session-lock.ts): two commands presenting one refresh token would look like a stolen
 *   token to the server, which then ends the whole session.
 * - The token is never printed, logged, put in an error message or taken from the command line.
 * Not addressed: another process of the same user (it can read the file), a machine without file permissions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.js';
import { withDirectoryLock } from './session-lock.js';

export interface StoredSession {
  url: string;
  /** The CA the server was verified with at login (PEM), or null for the system trust store. */
  ca: string | null;
  username: string;
  refreshToken: string;
}

const FILE_NAME = 'session.json';

export function sessionPath(configDir: string): string {
  return path.join(configDir, FILE_NAME);
}

/** Refuses a directory or file another user owns: its owner could read or replace the session at will. */
function checkOwner(target: string, stat: fs.Stats): void {
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new CliError(
      'SESSION_FILE_UNSAFE',
      `${target} belongs to another user (uid ${stat.uid}): use a config directory of your own`,
    );
  }
}

function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(dir);
  checkOwner(dir, stat);
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/** The stored session, or null when there is none. Refuses a file that group or others may read. */
export function readSession(configDir: string): StoredSession | null {
  const file = sessionPath(configDir);
  let text: string;
  try {
    const stat = fs.statSync(file);
    checkOwner(file, stat);
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new CliError(
        'SESSION_FILE_UNSAFE',
        `${file} may be read by others (mode ${mode.toString(8)}): delete it and log in again`,
      );
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const { url, ca, username, refresh_token: refreshToken } = value;
    if (
      typeof url === 'string' &&
      (ca === null || typeof ca === 'string') &&
      typeof username === 'string' &&
      typeof refreshToken === 'string'
    ) {
      return { url, ca, username, refreshToken };
    }
  } catch {
    // Falls through to the same answer as a file of the wrong shape.
  }
  throw new CliError(
    'SESSION_FILE_INVALID',
    `${file} is not a Strongroom session: delete it and log in again`,
  );
}

/** Replaces the session file atomically (0600 temporary file, fsync, rename). */
export function writeSession(configDir: string, session: StoredSession): void {
  ensurePrivateDir(configDir);
  const file = sessionPath(configDir);
  const temporary = `${file}.${process.pid}.tmp`;
  const body = JSON.stringify({
    url: session.url,
    ca: session.ca,
    username: session.username,
    refresh_token: session.refreshToken,
  });
  fs.rmSync(temporary, { force: true });
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${body}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

export function deleteSession(configDir: string): boolean {
  const file = sessionPath(configDir);
  const existed = fs.existsSync(file);
  fs.rmSync(file, { force: true });
  return existed;
}

/** Runs `work` holding the session lock (session-lock.ts) in the private config directory. */
export async function withSessionLock<T>(configDir: string, work: () => Promise<T>): Promise<T> {
  ensurePrivateDir(configDir);
  return await withDirectoryLock(configDir, work);
}
